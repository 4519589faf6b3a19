// The agents' API: JSON in and out, the ID token as a bearer, answers in the page's language,
// and every failure turned into one ApiError shape.

import { language } from "./i18n.js";

export class ApiError extends Error {
  /**
   * status: the HTTP status (0 when the server could not be reached);
   * code: the API's stable error code ("network", "session_ended" for the page's own cases);
   * message: the API's human message in the page's language, if it sent one;
   * fields: [{field, code, message}] for validation errors.
   */
  constructor(status, code, message = "", fields = []) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.fields = fields;
  }
}

export function createApi(baseUrl, auth) {
  const root = baseUrl.replace(/\/+$/, "");

  async function send(method, path, body, token, keepalive = false) {
    const headers = { Accept: "application/json", "Accept-Language": language() };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(root + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        keepalive, // a save made while the page goes away still reaches the server
      });
    } catch {
      throw new ApiError(0, "network");
    }
  }

  async function request(method, path, body, options = {}) {
    let token = await idToken(() => auth.idToken());
    let response = await send(method, path, body, token, Boolean(options.keepalive));
    if (response.status === 401) {
      token = await idToken(() => auth.renew());
      response = await send(method, path, body, token);
      if (response.status === 401) {
        auth.end("expired");
        throw new ApiError(401, "session_ended");
      }
    }
    if (response.status === 204) return null;
    let data = null;
    try {
      data = await response.json();
    } catch {
      // not JSON: a proxy's error page, say
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      const failure = new ApiError(response.status, error.code || `http_${response.status}`, error.message || "", error.fields || []);
      failure.body = data; // what a refusal carries besides the error (409 reply_outdated: the new messages)
      throw failure;
    }
    return data;
  }

  async function idToken(get) {
    let token;
    try {
      token = await get();
    } catch {
      throw new ApiError(0, "network");
    }
    if (!token) throw new ApiError(401, "session_ended");
    return token;
  }

  return {
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body ?? {}),
    put: (path, body, options) => request("PUT", path, body ?? {}, options),
    patch: (path, body) => request("PATCH", path, body ?? {}),
    delete: (path) => request("DELETE", path),
  };
}
