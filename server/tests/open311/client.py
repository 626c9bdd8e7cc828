"""Open311 GeoReport v2 from outside, through a third-party client: PyPI's `georeport` reads the
services and requests in JSON and in XML; it does not post, so the report is posted as the
standard's form through `requests` (a dependency of georeport) and read back through the client.

    python client.py BASE_URL API_KEY DEMO_FILE
"""

import json
import sys

import requests
import xmltodict
from georeport import GeoReport

base, key, demo_file = sys.argv[1], sys.argv[2], sys.argv[3]
root = f"{base}/open311/v2"
JURISDICTION = "jimo-road-subdistrict"

with open(demo_file, encoding="utf-8") as f:
    demo = json.load(f)
road = next(r for r in demo["roads"] if r["id"] == "market-road-1")
(lon0, lat0), (lon1, lat1) = road["geometry"]["coordinates"][:2]
lon, lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2

chief = requests.Session()
signed_in = chief.post(f"{base}/api/v1/session", json={"username": "chief01", "password": "roadchief"})
assert signed_in.status_code == 200, signed_in.text


def check(condition, what):
    if not condition:
        raise SystemExit(f"open311: {what}")


for fmt in ("json", "xml"):
    client = GeoReport(root, jurisdiction=JURISDICTION, api_key=key, output_format=fmt)

    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    check("sanitation" in codes and len(codes) == 10, f"{fmt} services: {codes}")
    check(str(services[0]["metadata"]).lower() == "false", f"{fmt} metadata: {services[0]}")
    definition = client.get_service_definition("sanitation")
    check(definition["service_code"] == "sanitation", f"{fmt} definition: {definition}")

    posted = requests.post(
        f"{root}/requests.{fmt}",
        data={
            "api_key": key,
            "jurisdiction_id": JURISDICTION,
            "service_code": "sanitation",
            "lat": lat,
            "long": lon,
            "description": f"Overflowing bins ({fmt})",
            "email": "resident@example.org",
        },
    )
    check(posted.status_code == 201, f"{fmt} post: {posted.status_code} {posted.text}")
    if fmt == "json":
        receipt = posted.json()[0]
    else:
        receipt = xmltodict.parse(posted.content)["service_requests"]["request"]
    request_id, token = receipt["service_request_id"], receipt["token"]

    request = client.get_service_request(request_id)
    check(request["status"] == "open", f"{fmt} new request: {request}")
    check(request["service_code"] == "sanitation", f"{fmt} new request: {request}")
    check("resident@example.org" not in json.dumps(request), f"{fmt}: the contact is private")
    by_token = requests.get(f"{root}/tokens/{token}.{fmt}")
    check(by_token.status_code == 200 and request_id in by_token.text, f"{fmt} token: {by_token.text}")

    # The road chief confirms it: a finding routed to its section.
    reports = chief.get(f"{base}/api/v1/reports").json()
    check(any(r["id"] == request_id for r in reports), f"{fmt}: the chief does not see it: {reports}")
    confirmed = chief.post(f"{base}/api/v1/reports/{request_id}/confirm", json={})
    check(confirmed.status_code == 200, f"{fmt} confirm: {confirmed.text}")
    finding_id = confirmed.json()["finding_id"]

    request = client.get_service_request(request_id)
    check(request["status"] == "open" and request["agency_responsible"], f"{fmt} confirmed: {request}")
    check(request["expected_datetime"], f"{fmt} confirmed has a deadline: {request}")
    open_requests = client.get_service_requests(status="open", service_code="sanitation")
    if isinstance(open_requests, dict):
        open_requests = [open_requests]
    check(
        any(r["service_request_id"] == finding_id for r in open_requests),
        f"{fmt} open list lacks the finding: {open_requests}",
    )
    both = client.get_service_requests(service_request_id=f"{request_id},{finding_id}")
    check(len(both) == 2 if isinstance(both, list) else False, f"{fmt} by ids: {both}")

    refused = requests.post(f"{root}/requests.{fmt}", data={"api_key": "wrong", "service_code": "sanitation"})
    check(refused.status_code == 403, f"{fmt} wrong key: {refused.status_code}")
    check(("<errors>" in refused.text) == (fmt == "xml"), f"{fmt} error format: {refused.text}")

print("open311: the georeport client read services and requests in JSON and XML; posted reports reached the chief")
