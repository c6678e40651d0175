#!/usr/bin/env bash
# Installs what Firebreak needs on Debian, only what is missing.
#   scripts/install-deps.sh          build and run: system libraries
#   scripts/install-deps.sh --test   also what the tests need (curl, openssl for TLS test certificates, moto for AWS
#                                    tests, cfn-lint for the deployment stack, and for docker/verify.sh:
#                                    debootstrap, iproute2, procps, binutils, systemd)
set -euo pipefail

packages=(pkg-config zlib1g-dev libssl-dev libcurl4-openssl-dev libsqlite3-dev ca-certificates)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(curl openssl python3 python3-pip debootstrap iproute2 procps binutils systemd)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  # python3/pip may come from elsewhere (pyenv); do not install Debian's over a working one.
  if command -v python3 >/dev/null 2>&1; then
    filtered=()
    for p in "${missing[@]}"; do [[ "$p" == python3 || "$p" == python3-pip ]] || filtered+=("$p"); done
    missing=("${filtered[@]+"${filtered[@]}"}")
  fi
fi
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  # moto_server stands in for EC2 and SNS in the AWS integration tests (127.0.0.1 only).
  if ! python3 -c 'import moto, flask, flask_cors' >/dev/null 2>&1; then
    echo "installing: moto[server]" >&2
    python3 -m pip install -q 'moto[server]==5.2.1' 2>/dev/null || python3 -m pip install -q --break-system-packages 'moto[server]==5.2.1'
  fi
  # cfn-lint checks docker/firebreak-stack.yaml (Tests/IntegrationTests/DeploymentStackTests.swift); pinned,
  # since its rules and AWS schemas change from release to release.
  if [[ "$(python3 -c 'import importlib.metadata as m; print(m.version("cfn-lint"))' 2>/dev/null)" != "1.51.0" ]]; then
    echo "installing: cfn-lint 1.51.0" >&2
    python3 -m pip install -q 'cfn-lint==1.51.0' 2>/dev/null || python3 -m pip install -q --break-system-packages 'cfn-lint==1.51.0'
  fi
fi
