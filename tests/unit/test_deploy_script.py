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


def test_deploy_activates_the_stacks_receipt_rule_set_which_cloudformation_cannot(aws: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ses = boto3.client("ses", region_name="eu-west-1")
    for name in ("other-set", "shopdesk-inbound"):
        ses.create_receipt_rule_set(RuleSetName=name)
    ses.set_active_receipt_rule_set(RuleSetName="other-set")

    assert deploy.activate_receiving(ses, {"InboundRuleSetName": "shopdesk-inbound"}) == "shopdesk-inbound"

    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == "shopdesk-inbound"
    assert "other-set" in capsys.readouterr().out  # the replaced set is named
    assert deploy.activate_receiving(ses, {}) is None  # receiving off: nothing touched
    assert ses.describe_active_receipt_rule_set()["Metadata"]["Name"] == "shopdesk-inbound"
