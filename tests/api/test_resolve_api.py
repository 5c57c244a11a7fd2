"""/v1/resolve: one binding -> a connection in each format; 404/409 with candidates."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Api


def test_resolve_json_by_tags(api: Api) -> None:
    body = api.get("/v1/resolve", params={"tag": "training"}, token="secrets").json()
    assert body == {"binding": "gp-train", "type": "greenplum", "provider": "vmware",
                    "host": "gp.internal", "port": 5432, "database": "warehouse",
                    "user": "loader", "sslmode": "require", "password": PASSWORD,
                    "password_included": True, "password_omitted_reason": None}


def test_resolve_text_formats(api: Api) -> None:
    def text(fmt: str) -> str:
        response = api.get("/v1/resolve", params={"tag": "training", "format": fmt},
                           token="secrets")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return response.text

    assert text("dsn") == (f"host=gp.internal port=5432 dbname=warehouse user=loader "
                           f"password={PASSWORD} sslmode=require")
    assert text("sqlalchemy") == (f"postgresql+psycopg2://loader:{PASSWORD}@gp.internal:5432/"
                                  "warehouse?sslmode=require")
    assert text("jdbc") == (f"jdbc:postgresql://gp.internal:5432/warehouse?user=loader&"
                            f"password={PASSWORD}&sslmode=require")
    assert "PGHOST=gp.internal\n" in text("env")


def test_none_is_404_and_many_is_409_with_candidates(api: Api) -> None:
    many = api.get("/v1/resolve", params={"tag": "inference"})
    assert many.status_code == 409
    assert [c["binding"] for c in many.json()["candidates"]] == ["pg-infer", "pg-infer-2"]
    none = api.get("/v1/resolve", params={"tag": "training", "type": "postgresql"})
    assert none.status_code == 404
    assert [c["binding"] for c in none.json()["candidates"]] == ["gp-train"]
    assert api.get("/v1/resolve", params={"tag": "unknown"}).status_code == 404


def test_narrowing_and_binding_name(api: Api) -> None:
    by_provider = api.get("/v1/resolve", params={"tag": "inference", "provider": "aws"})
    assert by_provider.json()["binding"] == "pg-infer"
    by_name = api.get("/v1/resolve", params={"binding": "pg-infer"})
    assert by_name.json()["database"] == "serving"
    # named by the catalog but absent from the binding root
    assert api.get("/v1/resolve", params={"binding": "pg-infer-2"}).status_code == 404


def test_bad_resolve_input_is_422(api: Api) -> None:
    for params in ({"binding": "../etc"}, {"binding": "a/b"}, {"tag": "x", "format": "xml"},
                   {"tag": " "}):
        response = api.get("/v1/resolve", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"]


def test_without_a_filter_every_binding_is_a_candidate(api: Api) -> None:
    response = api.get("/v1/resolve")
    assert response.status_code == 409
    assert [c["binding"] for c in response.json()["candidates"]] == [
        "gp-train", "pg-infer", "pg-infer-2"]


def test_the_answer_says_whether_the_password_is_in_it(api: Api) -> None:
    """A read-only token gets the connection, told plainly that the password is not in it."""
    body = api.get("/v1/resolve", params={"tag": "training"}).json()
    assert body["password"] is None
    assert body["password_included"] is False
    assert body["password_omitted_reason"] == "scope bindings:secrets required"
    for fmt in ("dsn", "env"):
        text = api.get("/v1/resolve", params={"tag": "training", "format": fmt})
        assert text.headers["x-password-included"] == "false"
        assert text.headers["x-password-omitted-reason"] == "scope bindings:secrets required"
        assert PASSWORD not in text.text and "password=" not in text.text
    env = api.get("/v1/resolve", params={"tag": "training", "format": "env"}).text
    assert env.endswith("# PGPASSWORD not included: scope bindings:secrets required\n")
    secret = api.get("/v1/resolve", params={"tag": "training", "format": "dsn"}, token="secrets")
    assert secret.headers["x-password-included"] == "true"
    assert "x-password-omitted-reason" not in secret.headers


def test_a_binding_without_a_password_is_named_as_such(api: Api) -> None:
    (api.root / "gp-train" / "password").unlink()
    body = api.get("/v1/resolve", params={"tag": "training"}, token="secrets").json()
    assert body["password_included"] is False
    assert body["password_omitted_reason"] == "binding has no password"
