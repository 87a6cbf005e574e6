/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The sspr authors */
/* libldap (OpenLDAP 2.5) for the LDAP password store. The few helpers here exist because Swift cannot express
 * what they do: macros that are casts or null pointers, and one operation whose response controls the
 * synchronous API drops. Everything else is called from SSPRSystem/LDAPConnection.swift. */
#ifndef SSPR_CLDAP_SHIM_H
#define SSPR_CLDAP_SHIM_H
#include <lber.h>
#include <ldap.h>
#include <string.h>
#include <sys/time.h>

/* LDAP_SCOPE_SUBTREE and LDAP_OPT_X_TLS_DEMAND are cast macros, which Swift does not import. */
static const int sspr_ldap_scope_subtree = LDAP_SCOPE_SUBTREE;
static const int sspr_ldap_tls_demand = LDAP_OPT_X_TLS_DEMAND;
static const int sspr_ldap_pp_no_error = PP_noError;

/* A simple bind with the non-deprecated call: LDAP_SASL_SIMPLE is a null-pointer macro Swift cannot import.
 * `password` need not be NUL-terminated (the caller wipes its copy after the call). */
static inline int sspr_ldap_simple_bind(LDAP *ld, const char *dn, const char *password, size_t length) {
    struct berval credentials;
    credentials.bv_len = (ber_len_t)length;
    credentials.bv_val = (char *)password;
    return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &credentials, NULL, NULL, NULL);
}

/* The Password Modify extended operation (RFC 3062) on `dn` with the password policy request control, waiting
 * at most `seconds`. Returns the LDAP result code and sets `*ppolicy_error` to the ppolicy response's error
 * (PP_noError when there was none). ldap_passwd_s would drop the response controls, hence the asynchronous
 * call. libldap copies the new password into the request's BER buffer, which it frees (without zeroing) once
 * sent; that copy is outside our reach. */
static inline int sspr_ldap_password_modify(LDAP *ld, const char *dn, const char *password, size_t length,
                                            int seconds, int *ppolicy_error) {
    struct berval identity, new_password;
    LDAPControl *request = NULL;
    LDAPControl *server_controls[2] = { NULL, NULL };
    LDAPControl **response_controls = NULL;
    LDAPControl *response;
    LDAPMessage *result = NULL;
    struct timeval timeout;
    int msgid = 0, rc, code = LDAP_OTHER;

    *ppolicy_error = PP_noError;
    identity.bv_len = (ber_len_t)strlen(dn);
    identity.bv_val = (char *)dn;
    new_password.bv_len = (ber_len_t)length;
    new_password.bv_val = (char *)password;
    rc = ldap_create_passwordpolicy_control(ld, &request);
    if (rc != LDAP_SUCCESS) return rc;
    server_controls[0] = request;
    rc = ldap_passwd(ld, &identity, NULL, &new_password, server_controls, NULL, &msgid);
    ldap_control_free(request);
    if (rc != LDAP_SUCCESS) return rc;
    timeout.tv_sec = seconds;
    timeout.tv_usec = 0;
    rc = ldap_result(ld, msgid, LDAP_MSG_ALL, &timeout, &result);
    if (rc == 0) {
        ldap_abandon_ext(ld, msgid, NULL, NULL);
        return LDAP_TIMEOUT;
    }
    if (rc < 0) {
        ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code);
        return code == LDAP_SUCCESS ? LDAP_OTHER : code;
    }
    rc = ldap_parse_result(ld, result, &code, NULL, NULL, NULL, &response_controls, 1);
    if (rc != LDAP_SUCCESS) return rc;
    response = ldap_control_find(LDAP_CONTROL_PASSWORDPOLICYRESPONSE, response_controls, NULL);
    if (response != NULL) {
        ber_int_t expire = -1, grace = -1;
        LDAPPasswordPolicyError error = PP_noError;
        if (ldap_parse_passwordpolicy_control(ld, response, &expire, &grace, &error) == LDAP_SUCCESS) {
            *ppolicy_error = (int)error;
        }
    }
    ldap_controls_free(response_controls);
    return code;
}
#endif
