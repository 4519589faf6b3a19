"""`make deploy`, `make publish-page` and `make destroy` (docs/deploy.md).

deploy        sam build, then sam deploy (--guided the first time, when samconfig.toml has no
              parameters yet; afterwards from samconfig.toml), then publish-page.
publish-page  web/config.json from the stack's Outputs, web/ uploaded to the page bucket (stale
              files removed), CloudFront invalidated.
destroy       says what it keeps, asks for the stack's name, empties the page bucket, sam delete.

Runs with the SAM CLI's venv (.venv-sam), which has boto3; needs only AWS credentials.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
SAMCONFIG = ROOT / "samconfig.toml"
SAM = Path(sys.executable).parent / "sam"

# Resources the template keeps when the stack is deleted (DeletionPolicy: Retain) and why.
KEPT = {
    "Table": "the threads, messages, contacts, customers and settings",
    "AttachmentsBucket": "the customers' and agents' attachments",
    "UserPool": "the agents' accounts",
}
# A file name with a content hash (app.3f9a1c2e.js) may be cached for a year; anything else is revalidated.
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.")
CONTENT_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml",
                 ".webmanifest": "application/manifest+json", ".woff2": "font/woff2", ".ico": "image/x-icon"}


def samconfig() -> dict[str, Any]:
    """The default environment's settings, global ones overlaid by the deploy command's."""
    if not SAMCONFIG.exists():
        return {}
    default = tomllib.loads(SAMCONFIG.read_text()).get("default", {})
    merged: dict[str, Any] = {}
    for section in ("global", "deploy"):
        merged.update(default.get(section, {}).get("parameters", {}))
    return merged


def stack_name() -> str:
    return os.environ.get("STACK_NAME") or samconfig().get("stack_name", "shopdesk")


def session() -> boto3.session.Session:
    region = os.environ.get("AWS_REGION") or samconfig().get("region")
    return boto3.session.Session(region_name=region) if region else boto3.session.Session()


def run(args: list[str]) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True)


def stack_outputs(cfn: Any) -> tuple[dict[str, str], dict[str, str]]:
    stack = cfn.describe_stacks(StackName=stack_name())["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    return outputs, parameters


def page_config(outputs: dict[str, str], parameters: dict[str, str]) -> dict[str, Any]:
    """What the agents' page reads at start (the same shape the local stack serves)."""
    region = outputs["Region"]
    return {
        "shopName": parameters.get("ShopName", ""),
        "agentsApi": outputs["AgentsApiUrl"],
        "publicApi": outputs["PublicApiUrl"],
        "cognito": {
            "endpoint": f"https://cognito-idp.{region}.amazonaws.com/",
            "region": region,
            "userPoolId": outputs["UserPoolId"],
            "clientId": outputs["UserPoolClientId"],
        },
    }


def content_headers(path: Path) -> dict[str, str]:
    content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in ("application/json", "image/svg+xml"):
        content_type += "; charset=utf-8"
    cache = "public, max-age=31536000, immutable" if HASHED_NAME.search(path.name) else "no-cache"
    return {"ContentType": content_type, "CacheControl": cache}


def publish_page() -> None:
    aws = session()
    outputs, parameters = stack_outputs(aws.client("cloudformation"))
    if "InboundRuleSetName" in outputs:
        activate_receiving(aws.client("ses"), outputs)
    config_file = WEB / "config.json"
    config_file.write_text(json.dumps(page_config(outputs, parameters), indent=2) + "\n")
    print(f"wrote {config_file.relative_to(ROOT)} (not committed: .gitignore)")

    bucket = outputs["PageBucketName"]
    s3 = aws.client("s3")
    files = {p.relative_to(WEB).as_posix(): p for p in sorted(WEB.rglob("*")) if p.is_file() and not p.name.startswith(".")}
    for key, path in files.items():
        s3.upload_file(str(path), bucket, key, ExtraArgs=content_headers(path))
    stale = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket) for o in page.get("Contents", [])
             if o["Key"] not in files]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start:start + 1000]]})
    print(f"uploaded {len(files)} files to s3://{bucket}, removed {len(stale)} stale ones")

    distribution = outputs["PageDistributionId"]
    aws.client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"make-deploy-{time.time_ns()}"},
    )
    print(f"invalidated CloudFront {distribution}\n\nThe desk: {outputs['PageUrl']}")


def deploy(extra: list[str]) -> None:
    run([str(SAM), "build"])
    first_time = "parameter_overrides" not in samconfig()
    if first_time:
        print("\nFirst deploy: sam deploy --guided asks for the parameters (SenderEmail, AlarmEmail…) and saves them "
              "in samconfig.toml.\n", flush=True)
    run([str(SAM), "deploy", *(["--guided"] if first_time else []), *extra])
    publish_page()  # also activates SES receiving's rule set when the stack has one


def activate_receiving(ses: Any, outputs: dict[str, str]) -> str | None:
    """SES receiving (InboundMailDomain set): makes the stack's receipt rule set the region's active
    one, which CloudFormation cannot do. SES has one active set per account and region: another
    set's name is printed before it is replaced. Returns the set activated, if any."""
    wanted = outputs.get("InboundRuleSetName")
    if not wanted:
        return None
    active = (ses.describe_active_receipt_rule_set().get("Metadata") or {}).get("Name")
    if active == wanted:
        return wanted
    if active:
        print(f"SES receiving: the active receipt rule set was {active}; {wanted} replaces it (one is active per region).")
    ses.set_active_receipt_rule_set(RuleSetName=wanted)
    print(f"SES receiving: activated the receipt rule set {wanted}.")
    return wanted


def deactivate_receiving(ses: Any, rule_set: str) -> None:
    """Before the stack is deleted: an active rule set cannot be deleted."""
    active = (ses.describe_active_receipt_rule_set().get("Metadata") or {}).get("Name")
    if active == rule_set:
        ses.set_active_receipt_rule_set()  # no name: no active set


def empty_bucket(s3: Any, bucket: str) -> None:
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})


def destroy() -> None:
    aws = session()
    name = stack_name()
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                 for r in aws.client("cloudformation").describe_stack_resources(StackName=name)["StackResources"]}
    print(f"Deleting the stack {name} ({aws.region_name}). It KEEPS, so that no data is lost:")
    for logical, what in KEPT.items():
        print(f"  - {logical} {resources.get(logical, '?')}: {what}")
    print("  - the SAM CLI's artifacts bucket (aws-sam-cli-managed-default), shared by every SAM stack in the region\n"
          "It deletes: the functions, the APIs, the page bucket and CloudFront distribution, the alarms, the log groups\n"
          "and the secrets (IMAP password, storefront signing key, form-token key; Secrets Manager keeps deleted\n"
          "secrets restorable for its recovery window). docs/deploy.md says how to delete the kept resources by hand.")
    if os.environ.get("CONFIRM") != name:
        if not sys.stdin.isatty() or input(f"\nType the stack name ({name}) to delete it: ").strip() != name:
            sys.exit("Not deleted.")
    if "PageBucket" in resources:
        empty_bucket(aws.client("s3"), resources["PageBucket"])
    if "InboundRuleSet" in resources:
        deactivate_receiving(aws.client("ses"), resources["InboundRuleSet"])
    run([str(SAM), "delete", "--stack-name", name, "--region", aws.region_name, "--no-prompts"])
    print("\nDeleted. Kept: " + ", ".join(f"{k} {resources.get(k, '?')}" for k in KEPT))


def main() -> None:
    from botocore.exceptions import ClientError, NoCredentialsError, NoRegionError

    command, *extra = sys.argv[1:] or ["help"]
    try:
        if command == "deploy":
            deploy(extra)
        elif command == "publish-page":
            publish_page()
        elif command == "destroy":
            destroy()
        else:
            sys.exit(__doc__)
    except (NoCredentialsError, NoRegionError) as error:
        sys.exit(f"{error}: set AWS credentials and a region (aws configure, AWS_PROFILE or AWS_REGION); see docs/deploy.md")
    except ClientError as error:
        if "does not exist" in str(error):
            sys.exit(f"The stack {stack_name()} does not exist in this region: `make deploy` creates it.")
        raise
    except subprocess.CalledProcessError as error:
        sys.exit(f"{' '.join(error.cmd[:2])} failed (exit {error.returncode})")


if __name__ == "__main__":
    main()
