// Signing in against Cognito's API directly (USER_PASSWORD_AUTH), keeping the tokens for this tab
// only (sessionStorage), refreshing them before they expire, and telling the app when the session
// is over.

const STORAGE_KEY = "shopdesk.session";
const REFRESH_MARGIN_MS = 5 * 60 * 1000; // refresh this long before the ID token expires
const RETRY_MS = 30 * 1000; // when a refresh could not reach Cognito
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why a sign-in or a refresh failed: a `kind` the page turns into a message. */
export class AuthError extends Error {
  constructor(kind, detail = "") {
    super(detail || kind);
    this.kind = kind; // wrong_credentials | network | too_many | challenge | reset_required | not_confirmed | failed
  }
}

const ERROR_KINDS = {
  NotAuthorizedException: "wrong_credentials",
  UserNotFoundException: "wrong_credentials",
  PasswordResetRequiredException: "reset_required",
  UserNotConfirmedException: "not_confirmed",
  TooManyRequestsException: "too_many",
  TooManyFailedAttemptsException: "too_many",
  LimitExceededException: "too_many",
};

export function createAuth(cognito, { onSessionEnded }) {
  let session = load();
  let refreshTimer = null;
  let refreshing = null;

  async function call(target, body) {
    let response;
    try {
      response = await fetch(cognito.endpoint, {
        method: "POST",
        headers: {
          "X-Amz-Target": `AWSCognitoIdentityProviderService.${target}`,
          "Content-Type": "application/x-amz-json-1.1",
        },
        body: JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch {
      throw new AuthError("network");
    }
    let data = {};
    try {
      data = await response.json();
    } catch {
      // an empty or non-JSON answer: the status decides
    }
    if (!response.ok) {
      const type = String(data.__type || "").split("#").pop();
      throw new AuthError(ERROR_KINDS[type] || "failed", data.message || `HTTP ${response.status}`);
    }
    return data;
  }

  function store(result, email, refreshToken) {
    const now = Date.now();
    const lifetime = Number(result.ExpiresIn || 3600) * 1000;
    session = {
      email,
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken || refreshToken,
      issuedAt: now,
      expiresAt: now + lifetime,
    };
    save(session);
    schedule();
  }

  function refreshDueAt() {
    const margin = Math.max(0, Math.min(REFRESH_MARGIN_MS, (session.expiresAt - session.issuedAt) / 2));
    return session.expiresAt - margin;
  }

  function schedule(delay) {
    clearTimeout(refreshTimer);
    if (!session) return;
    const wait = delay ?? Math.max(0, refreshDueAt() - Date.now());
    refreshTimer = setTimeout(backgroundRefresh, Math.min(wait, MAX_TIMER_MS));
  }

  async function backgroundRefresh() {
    if (!session) return;
    try {
      await refresh();
    } catch (error) {
      if (!session) return;
      if (error.kind === "network" && Date.now() < session.expiresAt) schedule(RETRY_MS);
      else end("expired");
    }
  }

  /** New tokens from the refresh token; one refresh at a time, however many callers wait on it. */
  function refresh() {
    if (!refreshing) {
      const current = session;
      refreshing = call("InitiateAuth", {
        AuthFlow: "REFRESH_TOKEN_AUTH",
        ClientId: cognito.clientId,
        AuthParameters: { REFRESH_TOKEN: current.refreshToken },
      })
        .then((data) => {
          if (session === current) store(data.AuthenticationResult, current.email, current.refreshToken);
          return session;
        })
        .finally(() => {
          refreshing = null;
        });
    }
    return refreshing;
  }

  function end(reason) {
    clearTimeout(refreshTimer);
    if (!session) return;
    session = null;
    save(null);
    onSessionEnded(reason);
  }

  // A laptop waking from sleep or a tab coming back: timers may not have fired, check now.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && session && Date.now() >= refreshDueAt()) backgroundRefresh();
  });

  if (session) schedule();

  return {
    get email() {
      return session?.email ?? null;
    },

    hasSession() {
      return session !== null;
    },

    async signIn(email, password) {
      const data = await call("InitiateAuth", {
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: cognito.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      });
      if (!data.AuthenticationResult) throw new AuthError(data.ChallengeName ? "challenge" : "failed");
      store(data.AuthenticationResult, email, null);
    },

    /** A valid ID token, refreshed first when it is about to expire; null when there is no session. */
    async idToken() {
      if (!session) return null;
      if (Date.now() < refreshDueAt()) return session.idToken;
      try {
        await refresh();
      } catch (error) {
        if (error.kind === "network" && session && Date.now() < session.expiresAt) return session.idToken;
        if (error.kind === "network") throw error;
        end("expired");
        return null;
      }
      return session?.idToken ?? null;
    },

    /** After the API refused a token: try once with fresh tokens, else the session is over. */
    async renew() {
      if (!session) return null;
      try {
        await refresh();
        return session?.idToken ?? null;
      } catch (error) {
        if (error.kind === "network") throw error;
        end("expired");
        return null;
      }
    },

    /** Ends the session: `reason` is "signed_out", "expired" or "not_agent". */
    end,
  };
}

function load() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
    return saved && saved.idToken && saved.refreshToken ? saved : null;
  } catch {
    return null;
  }
}

function save(session) {
  try {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage disabled: the session lives in memory for as long as the page is open
  }
}
