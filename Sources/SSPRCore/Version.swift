// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
/// The release, as in the repository's VERSION file (a test keeps the two equal): `sspr --version`,
/// `ssprd --version` and ssprd's varlink GetInfo say it.
public enum SSPRVersion {
    public static let current = "0.2.0"
}
