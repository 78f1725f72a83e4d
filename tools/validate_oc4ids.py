"""Validate the OC4IDS export against the official schema files: ``python tools/validate_oc4ids.py DIR``.

No registry package carries the OC4IDS schema and the network is closed to everything but
package registries, so this check runs wherever someone has the two official files
(open-contracting/infrastructure, schema/project-level/). DIR holds
project-package-schema.json and project-schema.json. Exit 1 with the first errors.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(folder: str) -> int:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    from app import create_app

    def load(name):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            return json.load(f)

    package_schema, project_schema = load("project-package-schema.json"), load("project-schema.json")
    resource = Resource.from_contents(project_schema, default_specification=DRAFT4)
    urls = {package_schema["properties"]["projects"]["items"]["$ref"], project_schema.get("id") or "",
            project_schema.get("$id") or ""} - {""}
    registry = Registry().with_resources((url, resource) for url in urls)
    validator = jsonschema.Draft4Validator(package_schema, registry=registry,
                                           format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp}/s.db"})
        app.test_cli_runner().invoke(args=["seed"])
        package = app.test_client().get("/api/oc4ids.json").get_json()
    errors = sorted(validator.iter_errors(package), key=str)
    for e in errors[:20]:
        print(f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
    print(f"{len(package['projects'])} projects, {len(errors)} schema error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
