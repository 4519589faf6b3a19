"""Provisions, on moto, the AWS resources template.yaml declares, plus demo users and secrets."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import boto3

from local.template import table_definition

DEMO_PASSWORD = "Shopdesk-demo-2026"
DEMO_ADMIN = "admin@shop.example"
DEMO_AGENT = "agent@shop.example"
SENDER = "support@shop.example"
MAILBOX_USER = "support@shop.example"
MAILBOX_PASSWORD = "mailbox-demo-password"
# The mailbox to connect with "Connect with Google/Microsoft" under `make run`: the local OAuth2 server
# approves it at once and Dovecot reads it by XOAUTH2; a mail client delivers to it with this password.
OAUTH_DEMO_USER = "orders@shop.example"
OAUTH_DEMO_PASSWORD = "oauth-demo-password"
# The storefront's demo keys: docs/storefront.md signs its worked example with this one.
STOREFRONT_SIGNING_KEY = "demo-signing-key"
FORM_TOKEN_KEY = "demo-form-token-key"
OAUTH2_CLIENT_SECRET_ID = "shopdesk/oauth2-clients"
OAUTH2_CLIENT_SECRETS = {"google": "local-google-secret", "microsoft": "local-microsoft-secret"}
OAUTH2_STATE_KEY_SECRET_ID = "shopdesk/oauth2-state-key"
OAUTH2_STATE_KEY = "demo-oauth2-state-key"


@dataclass
class AwsResources:
    endpoint: str
    region: str
    table_name: str
    attachments_bucket: str
    user_pool_id: str
    user_pool_client_id: str
    imap_secret_id: str
    sender_email: str
    form_token_secret_id: str = ""
    storefront_secret_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(
        service, endpoint_url=endpoint, region_name=region, aws_access_key_id="local", aws_secret_access_key="local"
    )


def provision(endpoint: str, region: str = "eu-west-1") -> AwsResources:
    """Everything the functions expect to find, created the way the template would create it."""
    dynamodb = _client("dynamodb", endpoint, region)
    table_name = "shopdesk"
    dynamodb.create_table(TableName=table_name, **table_definition())
    dynamodb.update_time_to_live(TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})

    bucket = "shopdesk-attachments"
    s3 = _client("s3", endpoint, region)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )

    _client("ses", endpoint, region).verify_email_identity(EmailAddress=SENDER)

    cognito = _client("cognito-idp", endpoint, region)
    pool_id = cognito.create_user_pool(PoolName="shopdesk-agents", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="agents-page",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified", "name"],  # the ID token names the agent (display name)
    )["UserPoolClient"]["ClientId"]
    for group in ("admin", "agent"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    # Display names (the `name` attribute): shown wherever the page would show an address.
    for username, name, groups in ((DEMO_ADMIN, "Marta Admin", ("admin", "agent")), (DEMO_AGENT, "Alex Agent", ("agent",))):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}, {"Name": "name", "Value": name}],
            MessageAction="SUPPRESS",
        )
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=DEMO_PASSWORD, Permanent=True)
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)

    secret_id = "shopdesk/imap-password"
    _client("secretsmanager", endpoint, region).create_secret(Name=secret_id, SecretString=MAILBOX_PASSWORD)
    for name, value in (("shopdesk/form-token", FORM_TOKEN_KEY), ("shopdesk/storefront-signing", STOREFRONT_SIGNING_KEY)):
        _client("secretsmanager", endpoint, region).create_secret(Name=name, SecretString=value)
    # Mailboxes by OAuth2: the local OAuth2 server's clients (local/oauth2_server.py) and the state's key.
    for name, value in ((OAUTH2_CLIENT_SECRET_ID, json.dumps(OAUTH2_CLIENT_SECRETS)), (OAUTH2_STATE_KEY_SECRET_ID, OAUTH2_STATE_KEY)):
        _client("secretsmanager", endpoint, region).create_secret(Name=name, SecretString=value)

    return AwsResources(
        endpoint=endpoint,
        region=region,
        table_name=table_name,
        attachments_bucket=bucket,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        imap_secret_id=secret_id,
        sender_email=SENDER,
        form_token_secret_id="shopdesk/form-token",
        storefront_secret_id="shopdesk/storefront-signing",
    )


def function_environment(resources: AwsResources) -> dict[str, str]:
    """The variables the template gives every function, pointed at the local stack."""
    return {
        "AWS_ENDPOINT_URL": resources.endpoint,
        "AWS_DEFAULT_REGION": resources.region,
        "AWS_REGION": resources.region,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "TABLE_NAME": resources.table_name,
        "ATTACHMENTS_BUCKET": resources.attachments_bucket,
        "SHOP_NAME": "Shopdesk demo shop",
        "SENDER_EMAIL": resources.sender_email,
        "DEFAULT_LANGUAGE": "en",
        "IMAP_SECRET_ID": resources.imap_secret_id,
        "FORM_TOKEN_SECRET_ID": resources.form_token_secret_id,
        "STOREFRONT_SECRET_ID": resources.storefront_secret_id,
        "POWERTOOLS_SERVICE_NAME": "shopdesk",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        # Agents' API: forward targets come from the pool; replies link to the shop's contact page.
        "USER_POOL_ID": resources.user_pool_id,
        "CONTACT_PAGE_URL": "https://shop.example/contact",
        # Mailboxes by OAuth2: the local OAuth2 server's apps (its URL is set by local/stack.py).
        "OAUTH2_GOOGLE_CLIENT_ID": "local-google-client",
        "OAUTH2_MICROSOFT_CLIENT_ID": "local-microsoft-client",
        "OAUTH2_CLIENT_SECRET_ID": OAUTH2_CLIENT_SECRET_ID,
        "OAUTH2_STATE_KEY_SECRET_ID": OAUTH2_STATE_KEY_SECRET_ID,
        # The local mailbox (Dovecot/pymap) listens on 127.0.0.1; a deployment never allows loopback.
        "IMAP_ALLOW_LOOPBACK": "true",
    }
