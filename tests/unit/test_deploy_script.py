"""ops/deploy.py (make deploy / make destroy): the page's config.json from the stack's Outputs, the upload
with the right headers, stale files removed, CloudFront invalidated; guided only the first time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from ops import deploy

OUTPUTS = {
    "Region": "eu-west-1",
    "PublicApiUrl": "https://pub.execute-api.eu-west-1.amazonaws.com",
    "AgentsApiUrl": "https://agt.execute-api.eu-west-1.amazonaws.com",
    "UserPoolId": "eu-west-1_Pool",
    "UserPoolClientId": "client123",
    "PageBucketName": "page-bucket",
    "PageUrl": "https://d111.cloudfront.net/",
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    for key, value in {"AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t", "AWS_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="page-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        distribution = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": "t", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "page-bucket.s3.amazonaws.com", "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https"},
        })["Distribution"]["Id"]
        outputs = {**OUTPUTS, "PageDistributionId": distribution}
        monkeypatch.setattr(deploy, "stack_outputs", lambda cfn: (outputs, {"ShopName": "Ann's shop"}))
        web = tmp_path / "web"
        (web / "screens").mkdir(parents=True)
        (web / "index.html").write_text("<!doctype html>")
        (web / "app.js").write_text("1")
        (web / "screens" / "inbox.3f9a1c2e.js").write_text("2")
        monkeypatch.setattr(deploy, "WEB", web)
        monkeypatch.setattr(deploy, "ROOT", tmp_path)
        yield s3, cloudfront, distribution, web


def test_publish_page_writes_config_json_from_the_outputs_in_the_local_stack_shape(aws: Any) -> None:
    s3, _, _, web = aws
    deploy.publish_page()
    config = json.loads((web / "config.json").read_text())
    assert config == {
        "shopName": "Ann's shop",
        "agentsApi": OUTPUTS["AgentsApiUrl"],
        "publicApi": OUTPUTS["PublicApiUrl"],
        "cognito": {"endpoint": "https://cognito-idp.eu-west-1.amazonaws.com/", "region": "eu-west-1",
                    "userPoolId": "eu-west-1_Pool", "clientId": "client123"},
    }
    uploaded = json.loads(s3.get_object(Bucket="page-bucket", Key="config.json")["Body"].read())
    assert uploaded == config


def test_publish_page_uploads_with_content_types_and_revalidation_except_hashed_files(aws: Any) -> None:
    s3, *_ = aws
    deploy.publish_page()
    index = s3.head_object(Bucket="page-bucket", Key="index.html")
    assert index["ContentType"] == "text/html; charset=utf-8" and index["CacheControl"] == "no-cache"
    assert s3.head_object(Bucket="page-bucket", Key="app.js")["ContentType"] == "text/javascript; charset=utf-8"
    hashed = s3.head_object(Bucket="page-bucket", Key="screens/inbox.3f9a1c2e.js")
    assert hashed["CacheControl"] == "public, max-age=31536000, immutable"


def test_publish_page_removes_files_no_longer_in_web_and_invalidates_cloudfront(aws: Any) -> None:
    s3, cloudfront, distribution, _ = aws
    s3.put_object(Bucket="page-bucket", Key="old-screen.js", Body=b"x")
    deploy.publish_page()
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="page-bucket")["Contents"]}
    assert keys == {"index.html", "app.js", "screens/inbox.3f9a1c2e.js", "config.json"}
    invalidations = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    assert invalidations["Quantity"] == 1


def test_deploy_is_guided_until_samconfig_holds_the_parameters(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    commands: list[list[str]] = []
    monkeypatch.setattr(deploy, "run", lambda args: commands.append(args[1:]))
    monkeypatch.setattr(deploy, "publish_page", lambda: commands.append(["publish-page"]))
    config = tmp_path / "samconfig.toml"
    monkeypatch.setattr(deploy, "SAMCONFIG", config)
    config.write_text('version = 0.1\n[default.deploy.parameters]\ncapabilities = "CAPABILITY_IAM"\n')
    deploy.deploy([])
    assert commands == [["build"], ["deploy", "--guided"], ["publish-page"]]
    commands.clear()
    config.write_text(config.read_text() + 'parameter_overrides = "SenderEmail=\\"support@shop.example\\""\n')
    deploy.deploy(["--no-confirm-changeset"])
    assert commands == [["build"], ["deploy", "--no-confirm-changeset"], ["publish-page"]]


def test_destroy_says_what_it_keeps_and_deletes_nothing_without_confirmation(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    resources = {"Table": "shopdesk-Table-1", "AttachmentsBucket": "shopdesk-attachments-1", "UserPool": "eu-west-1_Pool", "PageBucket": "page"}

    class Cfn:
        def describe_stack_resources(self, StackName: str) -> dict[str, Any]:  # noqa: N803 - boto3's name
            return {"StackResources": [{"LogicalResourceId": k, "PhysicalResourceId": v} for k, v in resources.items()]}

    class Session:
        region_name = "eu-west-1"

        def client(self, name: str) -> Any:
            assert name == "cloudformation", f"touched {name} before confirmation"
            return Cfn()

    monkeypatch.setattr(deploy, "session", Session)
    monkeypatch.setattr(deploy, "run", lambda args: pytest.fail("sam delete without confirmation"))
    monkeypatch.delenv("CONFIRM", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(SystemExit, match="Not deleted"):
        deploy.destroy()
    out = capsys.readouterr().out
    for kept in ("shopdesk-Table-1", "shopdesk-attachments-1", "eu-west-1_Pool"):
        assert kept in out
