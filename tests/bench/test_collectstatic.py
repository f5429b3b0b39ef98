"""The benchmark (and a production deployment) collects static files with the manifest storage."""

from django.core.management import call_command


def test_collectstatic_succeeds_with_the_manifest_storage(settings, tmp_path):
    # The manifest storage (production's whitenoise storage adds compression only) rewrites
    # every url() and sourceMappingURL it finds, and fails on a reference to a missing file,
    # such as a vendored script whose .map was not vendored.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()
