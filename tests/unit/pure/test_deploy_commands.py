"""ops/deploy.py's commands: guided until samconfig holds the parameters; destroy asks first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ops import deploy


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
