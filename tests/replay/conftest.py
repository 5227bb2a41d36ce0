"""moto's server and fake credentials for the replay tests that read executions from AWS."""

from tests.aws.conftest import fake_credentials, moto

__all__ = ["fake_credentials", "moto"]
