#!/usr/bin/env bash
# Renders every Kustomize overlay under manifests/kubernetes/overlays with
# `kubectl kustomize` (what `kubectl apply -k` applies), validates the output against
# Kubernetes' OpenAPI schemas (kubernetes-validate, strict: unknown fields fail) for the
# oldest and newest Kubernetes versions we support, and runs tests/manifests.rs, which
# checks the same rendered objects against the code (env names the binary reads, probes,
# replicas, PDB, NetworkPolicy…).
#
# Needs kubectl (any version with kustomize v5) and python3; installs kubernetes-validate
# from PyPI into ~/.cache/warroom-ci/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/venv.sh

KUBE_VERSIONS=(1.29.0 1.37.0)
out=target/kustomize
mkdir -p "$out"

if ! command -v kubectl >/dev/null; then
  echo "manifest-check: FAILED: kubectl is not installed (it renders the overlays)" >&2
  exit 1
fi
ci_venv kubernetes-validate==1.37.0 || {
  echo "manifest-check: FAILED: could not install kubernetes-validate from PyPI" >&2
  exit 1
}

overlays=()
for dir in manifests/kubernetes/overlays/*/; do
  name="$(basename "$dir")"
  overlays+=("$name")
  kubectl kustomize "$dir" > "$out/$name.yaml"
  echo "rendered $dir -> $out/$name.yaml ($(grep -c '^kind:' "$out/$name.yaml") objects)"
done
[ "${#overlays[@]}" -ge 2 ] || { echo "expected the sqlite and postgres-ha overlays" >&2; exit 1; }

# The README's Deploy section: its example overlay renders, with its namespace and image.
readme="$out/readme-example"
rm -rf "$readme"
mkdir -p "$readme/deploy/prod"
ln -s "$(pwd)/manifests" "$readme/manifests"
awk '/deploy-overlay-example/{f=1; next} f && /```yaml/{g=1; next} g && /```/{exit} g{sub(/^   /, ""); print}' \
  README.md > "$readme/deploy/prod/kustomization.yaml"
[ -s "$readme/deploy/prod/kustomization.yaml" ] || { echo "README.md: no deploy-overlay-example block" >&2; exit 1; }
kubectl kustomize "$readme/deploy/prod" > "$out/readme-example.yaml"
grep -q '^  namespace: warroom$' "$out/readme-example.yaml" \
  && grep -q 'image: registry.example.com/platform/warroom:0.1.0' "$out/readme-example.yaml" \
  || { echo "README.md: the example overlay does not set the namespace and the image" >&2; exit 1; }
echo "rendered README.md's example overlay -> $out/readme-example.yaml"

# The example Secret is applied by hand, not by an overlay: validate it as well.
cp manifests/kubernetes/secret.example.yaml "$out/secret.example.yaml"

for version in "${KUBE_VERSIONS[@]}"; do
  kubernetes-validate --quiet --strict -k "$version" "$out"/*.yaml
  echo "valid against Kubernetes $version: ${overlays[*]} and the example Secret"
done

# A control: the validator must reject a field Kubernetes does not know, or the check
# above proves nothing.
sed 's/^  replicas:/  replicaz:/' "$out/postgres-ha.yaml" > "$out/control.invalid"
if kubernetes-validate --quiet --strict "$out/control.invalid" >/dev/null 2>&1; then
  echo "manifest-check: FAILED: kubernetes-validate accepted an unknown field" >&2
  exit 1
fi
rm -f "$out/control.invalid"

# The rendered objects against the code.
cargo test --quiet --test manifests
echo "manifest-check: ok"
