"""Decodes tokens with flask-jwt-extended 4.7.4, for tests/tests/python_v4.rs.

Reads a JSON array of cases from stdin, each {"name", "config", "token"} where "config" is a
Flask config (JSON-typed values: booleans, lists, strings); writes a JSON array of
{"name", "ok", "claims"} or {"name", "ok": false, "error": "<exception>: <message>"}.
"""

import json
import sys

import flask
import flask_jwt_extended
from flask_jwt_extended import JWTManager, decode_token, get_unverified_jwt_headers


def decode(case):
    app = flask.Flask(case["name"])
    app.config.update(case["config"])
    JWTManager(app)
    with app.app_context():
        try:
            claims = decode_token(case["token"])
        except Exception as error:  # every refusal is reported, none is fatal
            return {"name": case["name"], "ok": False,
                    "error": f"{type(error).__name__}: {error}"}
        return {"name": case["name"], "ok": True, "claims": claims,
                "header": get_unverified_jwt_headers(case["token"])}


def main():
    assert flask_jwt_extended.__version__ == "4.7.4", flask_jwt_extended.__version__
    cases = json.load(sys.stdin)
    json.dump([decode(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
