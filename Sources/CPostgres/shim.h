// SPDX-License-Identifier: Apache-2.0
// SPDX-FileCopyrightText: 2026 The sspr authors
// libpq, PostgreSQL's reference client library (libpq-dev): the shared fleet store.
#include <libpq-fe.h>
