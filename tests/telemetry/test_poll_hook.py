"""A real BMC poll (the DMTF mockup over HTTP) leaves its telemetry, mapped to the CMDB parts."""

import pytest

from sasms.intake.choices import PollStatus
from sasms.intake.services import config
from sasms.intake.services.bmc import poll_endpoint
from sasms.telemetry.choices import Metric
from sasms.telemetry.models import Sample, Series
from tests.corpus import CORPUS_DIR
from tests.intake.redfish_server import serve_mockup

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]


def test_each_poll_records_the_parts_readings(admin_user, make_server, customer_a):
    server = make_server(customer_a, serial="437XR1138R2")
    with serve_mockup(CORPUS_DIR / "redfish" / "dmtf-public-rackmount1") as (url, _log):
        host, port = url.removeprefix("http://").split(":")
        endpoint = config.create_bmc_endpoint(
            actor=admin_user,
            server=server,
            password="secret",
            address=host,
            port=int(port),
            scheme="http",
            username="admin",
            auth="basic",
        )
        first = poll_endpoint(endpoint)
        assert first.status in (PollStatus.FAULT, PollStatus.OK)
        samples = Sample.objects.count()
        assert samples > 10
        fan = Series.objects.get(server=server, metric=Metric.FAN_RPM, label="CPU #1 Fan")
        # The poller mapped the fan to a CMDB component; the series points at it.
        assert fan.component is not None
        assert fan.component.server == server
        assert Sample.objects.get(series=fan).value == 1490.0
        config_endpoint = type(endpoint).objects.get(pk=endpoint.pk)
        type(endpoint).objects.filter(pk=endpoint.pk).update(lease_until=None)
        poll_endpoint(config_endpoint)
    assert Sample.objects.count() == 2 * samples
    assert Series.objects.filter(server=server).count() == samples
