#!/usr/bin/env bash
# Refreshes the NHS.UK frontend files the binary serves (crates/api/assets/nhsuk-frontend) from
# the version pinned in web/package.json and web/package-lock.json. Needs Node.js and npm; the
# service and its build never do. The source-map comments are dropped (the maps are not served).
# After changing the pinned version, run this and commit both.
set -euo pipefail && cd "$(dirname "$0")" && npm ci --ignore-scripts --no-audit --no-fund && from=node_modules/nhsuk-frontend/dist/nhsuk && to=../crates/api/assets/nhsuk-frontend && rm -rf "${to}/images" && mkdir -p "${to}/images" && for file in nhsuk-frontend.min.css nhsuk-frontend.min.js; do sed -E 's@/[*/]# sourceMappingURL=[^ ]*( [*]/)?$@@' "${from}/${file}" >"${to}/${file}"; done && cp "${from}"/assets/images/*.svg "${from}"/assets/images/*.png "${from}/assets/images/favicon.ico" "${to}/images/" && node -p 'require("./node_modules/nhsuk-frontend/package.json").version' >"${to}/VERSION"
