/*
 * Network Level Authentication (CredSSP): where the client's NTLM answer is
 * checked, so that a wrong password reaches the client as a logon failure.
 *
 * FreeRDP 2.11's server checks the answer in CompleteAuthToken, whose failure
 * only closes the connection (the alert it means to send needs OpenSSL 1.0):
 * the client sees a dropped connection and never asks its user again. A
 * failure of AcceptSecurityContext instead makes FreeRDP send the TSRequest
 * error code, which FreeRDP's client reports as an authentication failure
 * (Remmina then asks for the password again, xfreerdp says why it stopped).
 *
 * FreeRDP 2.11 takes a server's security module only from WinPR's registry
 * file, so the hook is its call of InitSecurityInterfaceExA(): the compositor
 * exports its own (it links with --export-dynamic), which libfreerdp's call
 * binds to ahead of libwinpr's. The table it returns is WinPR's functions
 * with AcceptSecurityContext checking the answer at once, against the hash
 * of the check bound to the calling login thread; FreeRDP gives a security
 * module nothing of the peer, so the thread is the link. Unbound, nothing
 * changes.
 */
#include <winpr/error.h>
#include <winpr/ntlm.h>
#include <winpr/sspi.h>

#include "rdp-internal.h"

static __thread struct rdp_nla_check *rdp_nla_bound;

void
rdp_nla_check_bind(struct rdp_nla_check *check)
{
	rdp_nla_bound = check;
}

/* WinPR's psPeerComputeNtlmHash: any value but 0 means the hash was written. */
static SECURITY_STATUS SEC_ENTRY
rdp_nla_hash(void *data, const SEC_WINNT_AUTH_IDENTITY *who, const SecBuffer *proof,
	     const BYTE *random_key, const BYTE *mic, const SecBuffer *mic_value, BYTE *hash)
{
	struct rdp_nla_check *check = data;

	return check->hash(check, who, hash) ? 1 : 0;
}

/*
 * WinPR's own AcceptSecurityContext, alone in a function of its own so that
 * the leak suppression for it (tests/sanitizer/lsan.supp) names nothing else.
 */
__attribute__((noinline)) static SECURITY_STATUS
rdp_nla_winpr_accept(PCredHandle credential, PCtxtHandle context, PSecBufferDesc input,
		     ULONG context_req, ULONG target_data_rep, PCtxtHandle new_context,
		     PSecBufferDesc output, PULONG context_attr, PTimeStamp expiry)
{
	return AcceptSecurityContext(credential, context, input, context_req, target_data_rep,
				     new_context, output, context_attr, expiry);
}

/*
 * NTLM's last step, the client's AUTHENTICATE message, ends in "complete
 * needed": with a check bound, the answer is completed (checked) here. A
 * wrong one fails this call with a last error that FreeRDP sends as the
 * TSRequest errorCode: anything but 0 and the password-expiry codes reaches
 * FreeRDP's client as FREERDP_ERROR_AUTHENTICATION_FAILED.
 */
static SECURITY_STATUS SEC_ENTRY
rdp_nla_accept(PCredHandle credential, PCtxtHandle context, PSecBufferDesc input, ULONG context_req,
	       ULONG target_data_rep, PCtxtHandle new_context, PSecBufferDesc output,
	       PULONG context_attr, PTimeStamp expiry)
{
	struct rdp_nla_check *check = rdp_nla_bound;
	SECURITY_STATUS status, completed;

	status = rdp_nla_winpr_accept(credential, context, input, context_req, target_data_rep,
				      new_context, output, context_attr, expiry);
	if (!check || (status != SEC_I_COMPLETE_NEEDED && status != SEC_I_COMPLETE_AND_CONTINUE))
		return status;
	completed = SetContextAttributesA(new_context, SECPKG_ATTR_AUTH_NTLM_HASH_CB,
					  (void *)rdp_nla_hash, 0);
	if (completed == SEC_E_OK)
		completed = SetContextAttributesA(new_context, SECPKG_ATTR_AUTH_NTLM_HASH_CB_DATA,
						  check, 0);
	if (completed == SEC_E_OK)
		completed = CompleteAuthToken(new_context, output);
	check->verdict(check, completed == SEC_E_OK);
	if (completed != SEC_E_OK) {
		SetLastError(ERROR_LOGON_FAILURE);
		return SEC_E_LOGON_DENIED;
	}
	return status == SEC_I_COMPLETE_NEEDED ? SEC_E_OK : SEC_I_CONTINUE_NEEDED;
}

/*
 * FreeRDP completes only what AcceptSecurityContext said needs completing,
 * which rdp_nla_accept() never says with a check bound (it completed the
 * context itself): a completion then is refused, never waved through.
 */
static SECURITY_STATUS SEC_ENTRY
rdp_nla_complete(PCtxtHandle context, PSecBufferDesc token)
{
	if (rdp_nla_bound)
		return SEC_E_OUT_OF_SEQUENCE;
	return CompleteAuthToken(context, token);
}

static const SecurityFunctionTableA rdp_nla_table = {
	.dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION,
	.EnumerateSecurityPackagesA = EnumerateSecurityPackagesA,
	.QueryCredentialsAttributesA = QueryCredentialsAttributesA,
	.AcquireCredentialsHandleA = AcquireCredentialsHandleA,
	.FreeCredentialsHandle = FreeCredentialsHandle,
	.InitializeSecurityContextA = InitializeSecurityContextA,
	.AcceptSecurityContext = rdp_nla_accept,
	.CompleteAuthToken = rdp_nla_complete,
	.DeleteSecurityContext = DeleteSecurityContext,
	.ApplyControlToken = ApplyControlToken,
	.QueryContextAttributesA = QueryContextAttributesA,
	.ImpersonateSecurityContext = ImpersonateSecurityContext,
	.RevertSecurityContext = RevertSecurityContext,
	.MakeSignature = MakeSignature,
	.VerifySignature = VerifySignature,
	.FreeContextBuffer = FreeContextBuffer,
	.QuerySecurityPackageInfoA = QuerySecurityPackageInfoA,
	.ExportSecurityContext = ExportSecurityContext,
	.ImportSecurityContextA = ImportSecurityContextA,
	.QuerySecurityContextToken = QuerySecurityContextToken,
	.EncryptMessage = EncryptMessage,
	.DecryptMessage = DecryptMessage,
	.SetContextAttributesA = SetContextAttributesA,
};

/*
 * libfreerdp's InitSecurityInterfaceEx(0) (above). The functions in the table
 * are WinPR's exported ones, which reach the same interface WinPR's
 * InitSecurityInterfaceExA() returns; FreeRDP never writes through the table.
 */
__attribute__((visibility("default"))) PSecurityFunctionTableA SEC_ENTRY
InitSecurityInterfaceExA(DWORD flags)
{
	return (PSecurityFunctionTableA)&rdp_nla_table;
}
