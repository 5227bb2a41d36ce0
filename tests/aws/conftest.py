"""moto's server on 127.0.0.1 for the whole session, and fake credentials for every test.

moto runs every execution for real (`execute_state_machine`), in real time, so the state
machines here wait a second or two at most. Tests never reach real AWS: the credentials are
fake, the config files are empty, and every client is pointed at the local endpoint.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer

from sfntui.aws import AwsSession, ConnectionOptions, StepFunctions

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sfntui-tests"
_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SFN",
    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@dataclass
class Moto:
    url: str

    def client(self, service: str = "stepfunctions", region: str = REGION) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def create_machine(
        self,
        definition: dict[str, Any],
        name: str | None = None,
        *,
        region: str = REGION,
        **extra: Any,
    ) -> str:
        """A state machine with a unique name; returns its ARN."""
        response = self.client(region=region).create_state_machine(
            name=name or unique("machine"),
            definition=json.dumps(definition),
            roleArn=ROLE,
            **extra,
        )
        return response["stateMachineArn"]

    def start(self, machine_arn: str, execution_input: Any = None, name: str | None = None) -> str:
        region = machine_arn.split(":")[3]
        response = self.client(region=region).start_execution(
            stateMachineArn=machine_arn,
            name=name or unique("run"),
            input=json.dumps({} if execution_input is None else execution_input),
        )
        return response["executionArn"]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def moto() -> Iterator[Moto]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    previous_port = os.environ.get("MOTO_PORT")
    os.environ["MOTO_PORT"] = str(port)
    answer = requests.post(
        f"{url}/moto-api/config",
        json={"stepfunctions": {"execute_state_machine": True}},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    try:
        yield Moto(url)
    finally:
        server.stop()
        if previous_port is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = previous_port


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake keys in the environment and empty config files: nothing can reach real AWS; and
    a cache folder of the test's own."""
    for name in _AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # the request budget shared by sfntui processes lives in the cache folder: one per test
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
async def sfn(moto: Moto) -> Any:
    """`StepFunctions` connected to moto; closed after the test."""
    async with AwsSession(ConnectionOptions(endpoint_url=moto.url, region=REGION)) as session:
        yield StepFunctions(session)


PASS_DEFINITION = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
