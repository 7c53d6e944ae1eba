#!/usr/bin/env bash
# Makes sure the Debian packages behind the Python client are installed:
#   protobuf-compiler       protoc 3.21, which writes gen/python (buf runs it as `protoc_builtin`)
#   protobuf-compiler-grpc  grpc_python_plugin, which writes the *_pb2_grpc.py stubs
#   python3-grpcio, python3-protobuf   the runtime of /usr/bin/python3 (make test-clients)
# and, where it can be installed, promtool (package prometheus) for `make check-ops`, which
# skips it when missing unless CI=true, and Chromium (package chromium, with the small
# fonts-wqy-microhei so the console's Chinese labels render) for `make test-console`, whose
# Playwright tests drive Debian's /usr/bin/chromium: Playwright's own browser download
# cannot run on machines that reach only the package registries. test-console skips
# without it unless CI=true. The package would start a Prometheus server on
# :9090 (Reach's gRPC port); a policy-rc.d keeps its service from starting.
# Debian's packages rather than PyPI's: this machine reaches Debian's archive and npm but
# not PyPI, and one apt install gives every developer and CI the same protoc.
# Installs what is missing when apt-get is there and we are root; otherwise says what to
# install and fails. Called by `make tools`.
set -euo pipefail

# protoc's version decides every byte of gen/python; another one would fail check-generated.
want_protoc="libprotoc 3.21."
packages=(protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf)

missing() {
	local m=()
	command -v protoc >/dev/null 2>&1 || m+=(protobuf-compiler)
	command -v grpc_python_plugin >/dev/null 2>&1 || m+=(protobuf-compiler-grpc)
	/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || m+=(python3-grpcio)
	/usr/bin/python3 -c 'import google.protobuf' >/dev/null 2>&1 || m+=(python3-protobuf)
	echo "${m[@]}"
}

can_install() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }

# apt_install PACKAGE...: without starting any service the packages bring.
apt_install() {
	local policy=/usr/sbin/policy-rc.d made=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made=1
	fi
	local status=0
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } || status=$?
	if [ -n "$made" ]; then rm -f "$policy"; fi
	return $status
}

# The console's browser tests: Chromium and a CJK font.
browser_missing() {
	local m=()
	[ -x /usr/bin/chromium ] || m+=(chromium)
	fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk' || m+=(fonts-wqy-microhei)
	echo "${m[@]}"
}

need="$(missing)"
browser="$(browser_missing)"
if [ -n "$need" ] || [ -n "$browser" ] || ! command -v promtool >/dev/null 2>&1; then
	if can_install; then
		command -v promtool >/dev/null 2>&1 || need="$need prometheus"
		need="$need $browser"
		echo "installing Debian packages (Python client, promtool, Chromium): $need (a minute or two on a fresh machine)"
		# shellcheck disable=SC2086 # one word per package
		apt_install $need
		need="$(missing)"
	fi
fi
if [ -n "$(browser_missing)" ]; then
	echo "make tools: Chromium is missing, so make test-console will skip (fail under CI=true);" >&2
	echo "  install it with:  sudo apt-get install --no-install-recommends chromium fonts-wqy-microhei" >&2
fi
if [ -n "$need" ]; then
	echo "make tools: missing Debian packages for the Python client: $need" >&2
	echo "install them with:  sudo apt-get install --no-install-recommends ${packages[*]}" >&2
	exit 1
fi

have="$(protoc --version)"
if [[ "$have" != "$want_protoc"* ]]; then
	echo "make tools: gen/python is generated with protoc 3.21 (Debian 12's protobuf-compiler);" >&2
	echo "  $(command -v protoc) is '$have', which would write different code." >&2
	echo "  Put Debian's /usr/bin/protoc first on PATH." >&2
	exit 1
fi
