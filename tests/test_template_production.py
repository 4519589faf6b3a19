"""template.yaml is something a careful AWS engineer would deploy: linted, translated by SAM
exactly as CloudFormation will, and checked resource by resource; checkov finds nothing unexplained.

The template's own shape (the table's keys, the routes) is tests/test_template.py's business.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from local.template import load_template

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"

# What CloudFormation hands the SAM transform on a first deploy (CommaDelimitedList values as lists).
PARAMETERS = {"SenderEmail": "support@shop.example", "ShopOrigins": ["https://shop.example", "https://www.shop.example"]}
# Actions that accept no resource narrower than "*" (the IAM service authorization reference).
ACTIONS_WITHOUT_RESOURCE_LEVEL = {
    "cloudwatch:putmetricdata",
    "xray:puttracesegments",
    "xray:puttelemetryrecords",
    "ses:getsendquota",
    "ses:getaccount",
}


def translate(parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    """The CloudFormation template the AWS::Serverless transform makes of template.yaml."""
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    template = yaml_parse(TEMPLATE.read_text())
    for resource in template["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):  # what `sam deploy` replaces with the uploaded artifacts
            if isinstance(properties.get(key), str):
                properties[key] = f"s3://artifacts/{properties[key].strip('/')}"
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")
    return transform(template, {**PARAMETERS, **(parameters or {})}, NoManagedPolicies())


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return translate()


def of_type(cfn: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in cfn["Resources"].items() if r["Type"] == kind}


def functions(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return of_type(cfn, "AWS::Lambda::Function")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allow_statements(cfn: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every Allow statement of the identity policies the stack creates (inline and managed)."""
    found = []
    for name, role in of_type(cfn, "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            found += [(name, s) for s in as_list(policy["PolicyDocument"]["Statement"])]
    for name, policy in of_type(cfn, "AWS::IAM::ManagedPolicy").items():
        found += [(name, s) for s in as_list(policy["Properties"]["PolicyDocument"]["Statement"])]
    for name, policy in of_type(cfn, "AWS::IAM::Policy").items():
        found += [(name, s) for s in as_list(policy["Properties"]["PolicyDocument"]["Statement"])]
    return [(name, s) for name, s in found if s.get("Effect") == "Allow"]


def page_origin_expression() -> dict[str, Any]:
    return {"Fn::If": ["HasAgentsPageOrigin", {"Ref": "AgentsPageOrigin"},
                       {"Fn::If": ["HasPageDomain", {"Fn::Sub": "https://${PageDomainName}"},
                                   {"Fn::Sub": "https://${PageDistribution.DomainName}"}]}]}


# --- lint and translation ----------------------------------------------------------------------------


def test_cfn_lint_finds_no_error() -> None:
    result = subprocess.run([sys.executable, "-m", "cfnlint", str(TEMPLATE)], capture_output=True, text=True, cwd=ROOT)
    # cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    assert result.returncode & 2 == 0, result.stdout + result.stderr


def test_sam_translates_the_template_with_every_parameter_combination() -> None:
    for extra in ({}, {"AgentsPageOrigin": "https://desk.shop.example", "PageDomainName": "desk.shop.example",
                       "PageCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc", "SesIdentity": "shop.example",
                       "AlarmEmail": "ops@shop.example"}):
        cfn = translate(extra)
        assert "Transform" not in cfn
        assert functions(cfn) and of_type(cfn, "AWS::ApiGatewayV2::Api")


# --- functions -----------------------------------------------------------------------------------------


def test_every_function_has_the_layer_python313_and_arm64(cfn: dict[str, Any]) -> None:
    layer = next(iter(of_type(cfn, "AWS::Lambda::LayerVersion")))
    for name, function in functions(cfn).items():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13", name
        assert properties["Architectures"] == ["arm64"], name
        assert {"Ref": layer} in properties["Layers"], name


def test_the_layer_is_built_with_the_makefile_that_ships_bytecode() -> None:
    layer = load_template()["Resources"]["CommonLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Metadata"]["BuildArchitecture"] == "arm64"
    makefile = (ROOT / "layers" / "common" / "Makefile").read_text()
    assert "build-CommonLayer:" in makefile
    assert "--invalidation-mode unchecked-hash" in makefile or "--invalidation-mode checked-hash" in makefile


def test_the_layer_requires_no_test_only_package() -> None:
    names = {re.split(r"[=<>\[ ]", line.strip())[0].lower() for line in (ROOT / "layers/common/requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")}
    test_only = {"pytest", "pytest-timeout", "moto", "playwright", "pymap", "cfn-lint", "aws-sam-translator", "ruff", "pyjwt",
                 "requests", "pyyaml", "boto3", "botocore", "checkov", "aws-sam-cli"}
    assert not names & test_only


def test_every_function_writes_to_its_own_log_group_with_retention(cfn: dict[str, Any]) -> None:
    groups = {json.dumps(g["Properties"]["LogGroupName"]): g for g in of_type(cfn, "AWS::Logs::LogGroup").values()
              if "LogGroupName" in g["Properties"]}
    for name in functions(cfn):
        group = groups.get(json.dumps({"Fn::Sub": f"/aws/lambda/${{{name}}}"}))
        assert group, f"{name} has no AWS::Logs::LogGroup named /aws/lambda/${{{name}}}"
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    for group in of_type(cfn, "AWS::Logs::LogGroup").values():
        assert "RetentionInDays" in group["Properties"]


def test_imap_sync_runs_on_a_schedule_one_at_a_time(cfn: dict[str, Any]) -> None:
    sync = cfn["Resources"]["ImapSyncFunction"]["Properties"]
    assert sync["ReservedConcurrentExecutions"] == 1
    schedules = [s["Properties"] for s in of_type(cfn, "AWS::Scheduler::Schedule").values()
                 if s["Properties"]["Target"]["Arn"] == {"Fn::GetAtt": ["ImapSyncFunction", "Arn"]}]
    assert schedules and schedules[0]["ScheduleExpression"].startswith(("rate(", "cron("))


# --- IAM -----------------------------------------------------------------------------------------------


def test_no_iam_statement_grants_every_resource_where_a_narrower_one_exists(cfn: dict[str, Any]) -> None:
    for name, statement in allow_statements(cfn):
        actions = [a.lower() for a in as_list(statement.get("Action", []))]
        assert not any(a == "*" or a.endswith(":*") for a in actions), f"{name}: wildcard action {actions}"
        if "*" in as_list(statement.get("Resource")):
            narrower = [a for a in actions if a not in ACTIONS_WITHOUT_RESOURCE_LEVEL]
            assert not narrower, f"{name}: {narrower} on Resource '*' - name the table, secret, bucket or identity"


def test_sending_mail_is_scoped_to_the_shop_ses_identity(cfn: dict[str, Any]) -> None:
    identity = {"Fn::Sub": ["arn:aws:ses:${AWS::Region}:${AWS::AccountId}:identity/${Identity}",
                            {"Identity": {"Fn::If": ["HasSesIdentity", {"Ref": "SesIdentity"},
                                                     {"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "SenderEmail"}]}]}]}}]}
    assert cfn["Resources"]["SendMailPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] == identity
    for name, statement in allow_statements(cfn):
        if any(a.lower().startswith("ses:send") for a in as_list(statement["Action"])):
            for resource in as_list(statement["Resource"]):
                assert resource != "*" and ":identity/" in json.dumps(resource), f"{name} may send as any identity: {resource}"


# --- data --------------------------------------------------------------------------------------------


def test_the_table_is_recoverable_encrypted_expiring_and_retained(cfn: dict[str, Any]) -> None:
    for name, table in of_type(cfn, "AWS::DynamoDB::Table").items():
        properties = table["Properties"]
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name
        assert properties["SSESpecification"]["SSEEnabled"] is True, name
        assert properties["TimeToLiveSpecification"]["Enabled"] is True, name
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain", name


def test_every_bucket_blocks_public_access_is_encrypted_and_refuses_plain_http(cfn: dict[str, Any]) -> None:
    policies = {json.dumps(p["Properties"]["Bucket"]): p["Properties"]["PolicyDocument"] for p in of_type(cfn, "AWS::S3::BucketPolicy").values()}
    for name, bucket in of_type(cfn, "AWS::S3::Bucket").items():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}, name
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], name
        assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}], name
        policy = policies[json.dumps({"Ref": name})]
        assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in policy["Statement"]), name


def test_attachments_are_kept_and_abandoned_uploads_expire(cfn: dict[str, Any]) -> None:
    bucket = cfn["Resources"]["AttachmentsBucket"]
    assert bucket["DeletionPolicy"] == "Retain"
    rules = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(r.get("Prefix") == "uploads/" and r.get("ExpirationInDays") for r in rules)
    assert any(r.get("AbortIncompleteMultipartUpload") for r in rules)


def test_browsers_may_upload_attachments_only_from_the_shops_and_the_page(cfn: dict[str, Any]) -> None:
    (rule,) = cfn["Resources"]["AttachmentsBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert set(rule["AllowedMethods"]) <= {"POST", "PUT"}
    assert "*" not in json.dumps(rule["AllowedOrigins"]).replace('"x-amz-*"', "")
    assert json.dumps(page_origin_expression()) in json.dumps(rule["AllowedOrigins"])
    assert json.dumps({"Ref": "ShopOrigins"}) in json.dumps(rule["AllowedOrigins"])


def test_the_secrets_live_in_secrets_manager_and_are_generated(cfn: dict[str, Any]) -> None:
    secrets = of_type(cfn, "AWS::SecretsManager::Secret")
    assert {"ImapPasswordSecret", "StorefrontSigningSecret", "FormTokenSecret"} <= set(secrets)
    for name, secret in secrets.items():
        assert "SecretString" not in secret["Properties"], f"{name}: a secret's value must not be in the template"


# --- APIs ----------------------------------------------------------------------------------------------


def operations(api: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in api["Properties"]["Body"]["paths"].items() for method, op in item.items()
            if method != "parameters"]


def test_every_agents_route_has_the_jwt_authorizer(cfn: dict[str, Any]) -> None:
    api = cfn["Resources"]["AgentsApi"]
    routes = operations(api)
    assert routes
    for path, method, op in routes:
        assert op.get("security") == [{"CognitoAuthorizer": []}], f"{method.upper()} {path} is not behind the JWT authorizer"
    authorizer = api["Properties"]["Body"]["components"]["securitySchemes"]["CognitoAuthorizer"]
    assert authorizer["x-amazon-apigateway-authorizer"]["type"] == "jwt"
    assert authorizer["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["audience"] == [{"Ref": "UserPoolClient"}]


def test_the_agents_api_allows_only_the_page_origin_and_the_public_api_only_the_shops(cfn: dict[str, Any]) -> None:
    agents = cfn["Resources"]["AgentsApi"]["Properties"]["Body"]["x-amazon-apigateway-cors"]
    (origin,) = agents["allowOrigins"]
    assert "Fn::If" in origin and "PageDistribution.DomainName" in json.dumps(origin)  # the CloudFront domain by default
    public = cfn["Resources"]["PublicApi"]["Properties"]["Body"]["x-amazon-apigateway-cors"]
    assert public["allowOrigins"] == PARAMETERS["ShopOrigins"]
    assert "authorization" not in [h.lower() for h in public["allowHeaders"]]


def test_both_apis_log_access_and_throttle_the_public_routes_tighter(cfn: dict[str, Any]) -> None:
    stages = {s["Properties"]["ApiId"]["Ref"]: s["Properties"] for s in of_type(cfn, "AWS::ApiGatewayV2::Stage").values()}
    for api in ("PublicApi", "AgentsApi"):
        log = stages[api]["AccessLogSettings"]
        group = cfn["Resources"][log["DestinationArn"]["Fn::GetAtt"][0]]
        assert group["Type"] == "AWS::Logs::LogGroup" and "RetentionInDays" in group["Properties"]
        fields = json.loads(log["Format"])
        assert {"requestId", "route", "status"} <= set(fields)
        assert "$context.identity.sourceIp" not in log["Format"], "no personal data in logs (SPEC §10)"
    public, agents = stages["PublicApi"]["DefaultRouteSettings"], stages["AgentsApi"]["DefaultRouteSettings"]
    assert public["ThrottlingRateLimit"] <= 20 and public["ThrottlingBurstLimit"] <= 50
    assert public["ThrottlingRateLimit"] < agents["ThrottlingRateLimit"]
    routes = {f"{m.upper()} {p}" for p, m, _ in operations(cfn["Resources"]["PublicApi"])}
    for key, settings in stages["PublicApi"].get("RouteSettings", {}).items():
        assert key in routes, f"RouteSettings for {key}, which the public API does not have"
        assert settings["ThrottlingRateLimit"] <= public["ThrottlingRateLimit"], key


# --- the agents' page ------------------------------------------------------------------------------------


def test_the_page_is_served_by_cloudfront_from_a_private_bucket_through_origin_access_control(cfn: dict[str, Any]) -> None:
    config = cfn["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["PageBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["PageOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    oac = cfn["Resources"]["PageOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert oac["SigningBehavior"] == "always" and oac["OriginAccessControlOriginType"] == "s3"
    (read,) = [s for s in cfn["Resources"]["PageBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"} and read["Action"] == "s3:GetObject"
    assert "distribution/${PageDistribution}" in json.dumps(read["Condition"])


def test_the_page_gets_csp_hsts_nosniff_and_frame_denial(cfn: dict[str, Any]) -> None:
    behaviour = cfn["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "PageResponseHeadersPolicy"}
    headers = cfn["Resources"]["PageResponseHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # The APIs, Cognito, and S3, where the page posts reply attachments (presigned POST). The bucket
    # cannot be named here: its CORS names the distribution, which names this policy.
    assert directives["connect-src"] == ["'self'", "https://*.execute-api.${AWS::Region}.amazonaws.com",
                                         "https://cognito-idp.${AWS::Region}.amazonaws.com",
                                         "https://*.s3.amazonaws.com", "https://*.s3.${AWS::Region}.amazonaws.com"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert all(h["Override"] is True for h in headers.values())


# --- alarms and outputs -----------------------------------------------------------------------------------


def test_alarms_cover_api_5xx_function_errors_and_throttles_and_failed_syncs(cfn: dict[str, Any]) -> None:
    alarms = of_type(cfn, "AWS::CloudWatch::Alarm").values()
    watched = {(a["Properties"]["MetricName"], json.dumps(a["Properties"].get("Dimensions", []))) for a in alarms}
    for api in ("PublicApi", "AgentsApi"):
        assert ("5xx", json.dumps([{"Name": "ApiId", "Value": {"Ref": api}}])) in watched, api
    for name in functions(cfn):
        for metric in ("Errors", "Throttles"):
            assert (metric, json.dumps([{"Name": "FunctionName", "Value": {"Ref": name}}])) in watched, (name, metric)
    (failed_syncs,) = [f["Properties"] for f in of_type(cfn, "AWS::Logs::MetricFilter").values()
                       if f["Properties"]["LogGroupName"] == {"Ref": "ImapSyncFunctionLogs"}]
    assert any(a["Properties"]["MetricName"] == failed_syncs["MetricTransformations"][0]["MetricName"] for a in alarms)
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    (subscription,) = of_type(cfn, "AWS::SNS::Subscription").values()
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}


def test_the_outputs_give_make_deploy_and_the_page_what_they_need(cfn: dict[str, Any]) -> None:
    needed = {"PublicApiUrl", "AgentsApiUrl", "UserPoolId", "UserPoolClientId", "Region", "PageUrl", "PageBucketName",
              "PageDistributionId", "AgentsPageOrigin", "AlarmTopicArn", "ImapPasswordSecretArn", "StorefrontSigningSecretArn",
              "TableName", "AttachmentsBucketName"}
    assert needed <= set(cfn["Outputs"])
    ops_script = (ROOT / "ops" / "deploy.py").read_text()
    for key in re.findall(r'outputs\["(\w+)"\]', ops_script):
        assert key in cfn["Outputs"], f"ops/deploy.py reads the output {key}, which the template lacks"


# --- checkov -------------------------------------------------------------------------------------------------


def checkov_skips() -> list[tuple[str, dict[str, Any]]]:
    return [(name, skip) for name, r in load_template()["Resources"].items() for skip in r.get("Metadata", {}).get("checkov", {}).get("skip", [])]


def test_every_checkov_exception_is_justified_in_the_template() -> None:
    for name, skip in checkov_skips():
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), (name, skip)
        assert len(skip.get("comment", "")) >= 40, f"{name} skips {skip['id']} without saying why"


def test_checkov_finds_no_failed_check() -> None:
    if not CHECKOV.exists():
        if os.environ.get("CI"):
            pytest.fail("checkov is not installed: `make test` installs it into .venv-checkov")
        pytest.skip("checkov is not installed: `make checkov` installs it into .venv-checkov")
    result = subprocess.run(
        [str(CHECKOV), "--file", str(TEMPLATE), "--framework", "cloudformation", "--skip-download", "--quiet", "--compact", "--output", "json"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"}, timeout=180,
    )
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in report["results"]["failed_checks"]]
    assert summary["parsing_errors"] == 0, result.stderr
    assert not failed, "\n".join(failed)
    assert summary["passed"] > 20
    assert summary["skipped"] == len(checkov_skips())
