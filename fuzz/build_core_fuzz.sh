#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The sspr authors
# Builds the SSPRCore libFuzzer targets (policy, shadow, reply) from the real sources plus fuzz/core/Stubs.swift:
# the files are copied without their `import SSPRSystem` (one module here), SecretBytes and UnicodeText come
# from SSPRSystem and the C shim (libunistring) is compiled with the same sanitizers.
#   fuzz/build_core_fuzz.sh OUTDIR [swiftc]
set -euo pipefail
out=$1; swiftc=${2:-swiftc}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$out/core-src
rm -rf "$work"; mkdir -p "$work/shim"
core=(TextSearch Policy/Duration Policy/MethodKind Policy/Policy Policy/PolicyKeys Policy/PolicyLoader Policy/PolicyProblem
      Policy/QuestionCatalogue Shadow/ShadowLine Shadow/ShadowEntry Shadow/ShadowFile Shadow/ShadowAccountState
      Shadow/ShadowDay Methods/AnswerNormaliser Methods/ContactAddress)
for f in "${core[@]}"; do sed '/^import SSPRSystem$/d' "$src/Sources/SSPRCore/$f.swift" > "$work/$(basename "$f").swift"; done
cp "$src/Sources/SSPRSystem/SecretBytes.swift" "$src/Sources/SSPRSystem/UnicodeText.swift" "$work/"
cp "$src/fuzz/core/Stubs.swift" "$work/"
printf 'module SSPRShim {\n  header "%s/Sources/SSPRShim/include/sspr_shim.h"\n  export *\n}\n' "$src" > "$work/shim/module.modulemap"
clang -O1 -g -fsanitize=fuzzer-no-link,address -I "$src/Sources/SSPRShim/include" -c "$src/Sources/SSPRShim/sspr_shim.c" -o "$work/shim.o"
for t in Policy Shadow Reply; do
  name=$(echo "$t" | tr A-Z a-z)
  "$swiftc" -O -sanitize=fuzzer,address -parse-as-library -module-name CoreFuzz -I "$work/shim" \
    "$work"/*.swift "$src/fuzz/core/${t}Fuzz.swift" "$work/shim.o" -lunistring -lpam -o "$out/$name-fuzz"
done
