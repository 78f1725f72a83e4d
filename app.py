"""The Cần Thơ key-projects map. ``create_app`` is the only thing here: no global app.

Run:  flask --app app run     (development: GIS_ENV=development)
Serve: gunicorn -w 2 -b 127.0.0.1:5000 'app:create_app()'
"""
import os

from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__, instance_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "instance"))
    from gis import cli, config, web

    settings = config.from_environ()
    if test_config:
        settings.update(test_config)
    app.config.update(config.finalise(settings, app.instance_path))
    app.json.ensure_ascii = False
    if app.config.get("TRUSTED_PROXIES"):  # behind nginx (deploy/nginx/): the visitor's address, not the proxy's
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    web.init_app(app)
    cli.init_app(app)
    return app
