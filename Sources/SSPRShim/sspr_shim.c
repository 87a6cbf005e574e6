#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include "sspr_shim.h"

void sspr_syslog(int priority, const char *ident, const char *message)
{
    /* LOG_NDELAY off: the connection is opened on first use; closelog afterwards so a host process's own
     * openlog() identity is not left replaced by ours. */
    openlog(ident, LOG_PID, priority & LOG_FACMASK);
    syslog(priority, "%s", message);
    closelog();
}

void sspr_secure_zero(void *buffer, size_t length)
{
    if (buffer != NULL && length > 0)
        explicit_bzero(buffer, length);
}

void sspr_pam_syslog(const pam_handle_t *pamh, int priority, const char *message)
{
    pam_syslog(pamh, priority, "%s", message);
}

int sspr_pam_converse(pam_handle_t *pamh, int count, const int *styles, const char *const *texts,
                      struct pam_response **replies)
{
    const struct pam_conv *conv = NULL;
    *replies = NULL;
    if (count <= 0 || count > 32)
        return PAM_CONV_ERR;
    int rc = pam_get_item(pamh, PAM_CONV, (const void **)&conv);
    if (rc != PAM_SUCCESS)
        return rc;
    if (conv == NULL || conv->conv == NULL)
        return PAM_CONV_ERR;
    struct pam_message messages[32];
    const struct pam_message *pointers[32];
    for (int i = 0; i < count; i++) {
        messages[i].msg_style = styles[i];
        messages[i].msg = texts[i];
        pointers[i] = &messages[i];
    }
    return conv->conv(count, pointers, replies, conv->appdata_ptr);
}

void sspr_pam_free_replies(struct pam_response *replies, int count)
{
    if (replies == NULL)
        return;
    for (int i = 0; i < count; i++) {
        if (replies[i].resp != NULL) {
            explicit_bzero(replies[i].resp, strlen(replies[i].resp));
            free(replies[i].resp);
        }
    }
    free(replies);
}

uninorm_t uninorm_nfc_form(void)
{
    return UNINORM_NFC;
}
