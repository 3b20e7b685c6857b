"""Counts the resources of template.yaml after the SAM transform (run with
the SAM CLI's Python: .ci/run). CloudFormation refuses a stack of more than
500; this fails at 400 so there is room to split into nested stacks first."""
import sys
from collections import Counter

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

LIMIT = 400


class NoManagedPolicies:
    """The template names no AWS managed policy, so nothing to look up."""

    def load(self):
        return {}


template = yaml_parse(open(sys.argv[1] if len(sys.argv) > 1 else "template.yaml").read())
# The transform wants an S3 URI where `sam build` would put one.
template.get("Globals", {}).get("Function", {})["CodeUri"] = "s3://bucket/code.zip"
resources = transform(template, {}, NoManagedPolicies())["Resources"]
kinds = Counter(r["Type"] for r in resources.values())
print(f"{len(resources)} resources after the SAM transform (limit {LIMIT}):",
      ", ".join(f"{n} {t}" for t, n in kinds.most_common(5)))
sys.exit(0 if len(resources) <= LIMIT else 1)
