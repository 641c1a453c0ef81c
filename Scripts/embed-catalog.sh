#!/usr/bin/env bash
# Regenerates Sources/AXLicensing/DefaultSkuCatalog.swift from Data/skus.json (the catalog's source of truth).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo '// Generated from Data/skus.json by Scripts/embed-catalog.sh; a test checks the two stay identical.'
  echo '// Edit Data/skus.json, then run the script.'
  echo
  echo '/// The default SKU catalog, byte-for-byte `Data/skus.json`, so the tool works without the repository beside it.'
  echo 'public let defaultSkuCatalogJSON = #"""'
  cat Data/skus.json
  echo '"""#'
} > Sources/AXLicensing/DefaultSkuCatalog.swift
