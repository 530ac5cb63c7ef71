/* lazy-libs.h — libcurl, libarchive and libcrypto, loaded on first use.
 *
 * `vessel` runs containers far more often than it pulls: loading libcurl
 * and libarchive (and the ~40 libraries they bring: TLS, Kerberos, LDAP,
 * ICU, libxml2, ...) at every start costs about 7 ms on this kind of VM,
 * and binding libcrypto's symbols alone about 1 ms.
 * Files that use them include this header instead of theirs: every
 * function of the two APIs becomes a call through a pointer that is
 * resolved with dlopen/dlsym the first time that call site runs (cached in
 * a static per call site).  A library that cannot be loaded ends the
 * program with a message naming it (exit 125).
 *
 * The lists below are every function the installed curl and libarchive
 * headers declare that the shared libraries export (made once with nm and
 * grep over the headers). */
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <openssl/evp.h>

enum vs_lazy_lib { VS_LIB_CURL, VS_LIB_ARCHIVE, VS_LIB_CRYPTO };

/* The address of `name` in the library; never NULL (exits instead). */
void *vs_lazy_sym (enum vs_lazy_lib lib, const char *name);

#define VS_LAZY(lib, fn)                                                                            \
  (*({                                                                                              \
    static __typeof__ (fn) *vs_lazy_p_;                                                             \
    __typeof__ (fn) *vs_lazy_q_ = __atomic_load_n (&vs_lazy_p_, __ATOMIC_ACQUIRE);                  \
    if (vs_lazy_q_ == NULL)                                                                         \
      {                                                                                             \
        vs_lazy_q_ = (__typeof__ (fn) *) vs_lazy_sym (lib, #fn);                                    \
        __atomic_store_n (&vs_lazy_p_, vs_lazy_q_, __ATOMIC_RELEASE);                               \
      }                                                                                             \
    vs_lazy_q_;                                                                                     \
  }))

/* libcrypto: the few functions used (sha256 and base64) */
#define EVP_DecodeBlock VS_LAZY (VS_LIB_CRYPTO, EVP_DecodeBlock)
#define EVP_Digest VS_LAZY (VS_LIB_CRYPTO, EVP_Digest)
#define EVP_DigestFinal_ex VS_LAZY (VS_LIB_CRYPTO, EVP_DigestFinal_ex)
#define EVP_DigestInit_ex VS_LAZY (VS_LIB_CRYPTO, EVP_DigestInit_ex)
#define EVP_DigestUpdate VS_LAZY (VS_LIB_CRYPTO, EVP_DigestUpdate)
#define EVP_EncodeBlock VS_LAZY (VS_LIB_CRYPTO, EVP_EncodeBlock)
#define EVP_MD_CTX_free VS_LAZY (VS_LIB_CRYPTO, EVP_MD_CTX_free)
#define EVP_MD_CTX_new VS_LAZY (VS_LIB_CRYPTO, EVP_MD_CTX_new)
#define EVP_sha256 VS_LAZY (VS_LIB_CRYPTO, EVP_sha256)

/* libcurl */
#undef curl_easy_cleanup
#define curl_easy_cleanup VS_LAZY (VS_LIB_CURL, curl_easy_cleanup)
#undef curl_easy_duphandle
#define curl_easy_duphandle VS_LAZY (VS_LIB_CURL, curl_easy_duphandle)
#undef curl_easy_escape
#define curl_easy_escape VS_LAZY (VS_LIB_CURL, curl_easy_escape)
#undef curl_easy_getinfo
#define curl_easy_getinfo VS_LAZY (VS_LIB_CURL, curl_easy_getinfo)
#undef curl_easy_header
#define curl_easy_header VS_LAZY (VS_LIB_CURL, curl_easy_header)
#undef curl_easy_init
#define curl_easy_init VS_LAZY (VS_LIB_CURL, curl_easy_init)
#undef curl_easy_nextheader
#define curl_easy_nextheader VS_LAZY (VS_LIB_CURL, curl_easy_nextheader)
#undef curl_easy_option_by_id
#define curl_easy_option_by_id VS_LAZY (VS_LIB_CURL, curl_easy_option_by_id)
#undef curl_easy_option_by_name
#define curl_easy_option_by_name VS_LAZY (VS_LIB_CURL, curl_easy_option_by_name)
#undef curl_easy_option_next
#define curl_easy_option_next VS_LAZY (VS_LIB_CURL, curl_easy_option_next)
#undef curl_easy_pause
#define curl_easy_pause VS_LAZY (VS_LIB_CURL, curl_easy_pause)
#undef curl_easy_perform
#define curl_easy_perform VS_LAZY (VS_LIB_CURL, curl_easy_perform)
#undef curl_easy_recv
#define curl_easy_recv VS_LAZY (VS_LIB_CURL, curl_easy_recv)
#undef curl_easy_reset
#define curl_easy_reset VS_LAZY (VS_LIB_CURL, curl_easy_reset)
#undef curl_easy_send
#define curl_easy_send VS_LAZY (VS_LIB_CURL, curl_easy_send)
#undef curl_easy_setopt
#define curl_easy_setopt VS_LAZY (VS_LIB_CURL, curl_easy_setopt)
#undef curl_easy_strerror
#define curl_easy_strerror VS_LAZY (VS_LIB_CURL, curl_easy_strerror)
#undef curl_easy_unescape
#define curl_easy_unescape VS_LAZY (VS_LIB_CURL, curl_easy_unescape)
#undef curl_easy_upkeep
#define curl_easy_upkeep VS_LAZY (VS_LIB_CURL, curl_easy_upkeep)
#undef curl_escape
#define curl_escape VS_LAZY (VS_LIB_CURL, curl_escape)
#undef curl_formadd
#define curl_formadd VS_LAZY (VS_LIB_CURL, curl_formadd)
#undef curl_formfree
#define curl_formfree VS_LAZY (VS_LIB_CURL, curl_formfree)
#undef curl_formget
#define curl_formget VS_LAZY (VS_LIB_CURL, curl_formget)
#undef curl_free
#define curl_free VS_LAZY (VS_LIB_CURL, curl_free)
#undef curl_getdate
#define curl_getdate VS_LAZY (VS_LIB_CURL, curl_getdate)
#undef curl_getenv
#define curl_getenv VS_LAZY (VS_LIB_CURL, curl_getenv)
#undef curl_global_cleanup
#define curl_global_cleanup VS_LAZY (VS_LIB_CURL, curl_global_cleanup)
#undef curl_global_init
#define curl_global_init VS_LAZY (VS_LIB_CURL, curl_global_init)
#undef curl_global_init_mem
#define curl_global_init_mem VS_LAZY (VS_LIB_CURL, curl_global_init_mem)
#undef curl_global_sslset
#define curl_global_sslset VS_LAZY (VS_LIB_CURL, curl_global_sslset)
#undef curl_maprintf
#define curl_maprintf VS_LAZY (VS_LIB_CURL, curl_maprintf)
#undef curl_mfprintf
#define curl_mfprintf VS_LAZY (VS_LIB_CURL, curl_mfprintf)
#undef curl_mime_addpart
#define curl_mime_addpart VS_LAZY (VS_LIB_CURL, curl_mime_addpart)
#undef curl_mime_data
#define curl_mime_data VS_LAZY (VS_LIB_CURL, curl_mime_data)
#undef curl_mime_data_cb
#define curl_mime_data_cb VS_LAZY (VS_LIB_CURL, curl_mime_data_cb)
#undef curl_mime_encoder
#define curl_mime_encoder VS_LAZY (VS_LIB_CURL, curl_mime_encoder)
#undef curl_mime_filedata
#define curl_mime_filedata VS_LAZY (VS_LIB_CURL, curl_mime_filedata)
#undef curl_mime_filename
#define curl_mime_filename VS_LAZY (VS_LIB_CURL, curl_mime_filename)
#undef curl_mime_free
#define curl_mime_free VS_LAZY (VS_LIB_CURL, curl_mime_free)
#undef curl_mime_headers
#define curl_mime_headers VS_LAZY (VS_LIB_CURL, curl_mime_headers)
#undef curl_mime_init
#define curl_mime_init VS_LAZY (VS_LIB_CURL, curl_mime_init)
#undef curl_mime_name
#define curl_mime_name VS_LAZY (VS_LIB_CURL, curl_mime_name)
#undef curl_mime_subparts
#define curl_mime_subparts VS_LAZY (VS_LIB_CURL, curl_mime_subparts)
#undef curl_mime_type
#define curl_mime_type VS_LAZY (VS_LIB_CURL, curl_mime_type)
#undef curl_mprintf
#define curl_mprintf VS_LAZY (VS_LIB_CURL, curl_mprintf)
#undef curl_msnprintf
#define curl_msnprintf VS_LAZY (VS_LIB_CURL, curl_msnprintf)
#undef curl_msprintf
#define curl_msprintf VS_LAZY (VS_LIB_CURL, curl_msprintf)
#undef curl_multi_add_handle
#define curl_multi_add_handle VS_LAZY (VS_LIB_CURL, curl_multi_add_handle)
#undef curl_multi_assign
#define curl_multi_assign VS_LAZY (VS_LIB_CURL, curl_multi_assign)
#undef curl_multi_cleanup
#define curl_multi_cleanup VS_LAZY (VS_LIB_CURL, curl_multi_cleanup)
#undef curl_multi_fdset
#define curl_multi_fdset VS_LAZY (VS_LIB_CURL, curl_multi_fdset)
#undef curl_multi_info_read
#define curl_multi_info_read VS_LAZY (VS_LIB_CURL, curl_multi_info_read)
#undef curl_multi_init
#define curl_multi_init VS_LAZY (VS_LIB_CURL, curl_multi_init)
#undef curl_multi_perform
#define curl_multi_perform VS_LAZY (VS_LIB_CURL, curl_multi_perform)
#undef curl_multi_poll
#define curl_multi_poll VS_LAZY (VS_LIB_CURL, curl_multi_poll)
#undef curl_multi_remove_handle
#define curl_multi_remove_handle VS_LAZY (VS_LIB_CURL, curl_multi_remove_handle)
#undef curl_multi_setopt
#define curl_multi_setopt VS_LAZY (VS_LIB_CURL, curl_multi_setopt)
#undef curl_multi_socket
#define curl_multi_socket VS_LAZY (VS_LIB_CURL, curl_multi_socket)
#undef curl_multi_socket_action
#define curl_multi_socket_action VS_LAZY (VS_LIB_CURL, curl_multi_socket_action)
#undef curl_multi_socket_all
#define curl_multi_socket_all VS_LAZY (VS_LIB_CURL, curl_multi_socket_all)
#undef curl_multi_strerror
#define curl_multi_strerror VS_LAZY (VS_LIB_CURL, curl_multi_strerror)
#undef curl_multi_timeout
#define curl_multi_timeout VS_LAZY (VS_LIB_CURL, curl_multi_timeout)
#undef curl_multi_wait
#define curl_multi_wait VS_LAZY (VS_LIB_CURL, curl_multi_wait)
#undef curl_multi_wakeup
#define curl_multi_wakeup VS_LAZY (VS_LIB_CURL, curl_multi_wakeup)
#undef curl_mvaprintf
#define curl_mvaprintf VS_LAZY (VS_LIB_CURL, curl_mvaprintf)
#undef curl_mvfprintf
#define curl_mvfprintf VS_LAZY (VS_LIB_CURL, curl_mvfprintf)
#undef curl_mvprintf
#define curl_mvprintf VS_LAZY (VS_LIB_CURL, curl_mvprintf)
#undef curl_mvsnprintf
#define curl_mvsnprintf VS_LAZY (VS_LIB_CURL, curl_mvsnprintf)
#undef curl_mvsprintf
#define curl_mvsprintf VS_LAZY (VS_LIB_CURL, curl_mvsprintf)
#undef curl_pushheader_byname
#define curl_pushheader_byname VS_LAZY (VS_LIB_CURL, curl_pushheader_byname)
#undef curl_pushheader_bynum
#define curl_pushheader_bynum VS_LAZY (VS_LIB_CURL, curl_pushheader_bynum)
#undef curl_share_cleanup
#define curl_share_cleanup VS_LAZY (VS_LIB_CURL, curl_share_cleanup)
#undef curl_share_init
#define curl_share_init VS_LAZY (VS_LIB_CURL, curl_share_init)
#undef curl_share_setopt
#define curl_share_setopt VS_LAZY (VS_LIB_CURL, curl_share_setopt)
#undef curl_share_strerror
#define curl_share_strerror VS_LAZY (VS_LIB_CURL, curl_share_strerror)
#undef curl_slist_append
#define curl_slist_append VS_LAZY (VS_LIB_CURL, curl_slist_append)
#undef curl_slist_free_all
#define curl_slist_free_all VS_LAZY (VS_LIB_CURL, curl_slist_free_all)
#undef curl_strequal
#define curl_strequal VS_LAZY (VS_LIB_CURL, curl_strequal)
#undef curl_strnequal
#define curl_strnequal VS_LAZY (VS_LIB_CURL, curl_strnequal)
#undef curl_unescape
#define curl_unescape VS_LAZY (VS_LIB_CURL, curl_unescape)
#undef curl_url
#define curl_url VS_LAZY (VS_LIB_CURL, curl_url)
#undef curl_url_cleanup
#define curl_url_cleanup VS_LAZY (VS_LIB_CURL, curl_url_cleanup)
#undef curl_url_dup
#define curl_url_dup VS_LAZY (VS_LIB_CURL, curl_url_dup)
#undef curl_url_get
#define curl_url_get VS_LAZY (VS_LIB_CURL, curl_url_get)
#undef curl_url_set
#define curl_url_set VS_LAZY (VS_LIB_CURL, curl_url_set)
#undef curl_url_strerror
#define curl_url_strerror VS_LAZY (VS_LIB_CURL, curl_url_strerror)
#undef curl_version
#define curl_version VS_LAZY (VS_LIB_CURL, curl_version)
#undef curl_version_info
#define curl_version_info VS_LAZY (VS_LIB_CURL, curl_version_info)
#undef curl_ws_meta
#define curl_ws_meta VS_LAZY (VS_LIB_CURL, curl_ws_meta)
#undef curl_ws_recv
#define curl_ws_recv VS_LAZY (VS_LIB_CURL, curl_ws_recv)
#undef curl_ws_send
#define curl_ws_send VS_LAZY (VS_LIB_CURL, curl_ws_send)

/* libarchive */
#undef archive_bzlib_version
#define archive_bzlib_version VS_LAZY (VS_LIB_ARCHIVE, archive_bzlib_version)
#undef archive_clear_error
#define archive_clear_error VS_LAZY (VS_LIB_ARCHIVE, archive_clear_error)
#undef archive_compression
#define archive_compression VS_LAZY (VS_LIB_ARCHIVE, archive_compression)
#undef archive_compression_name
#define archive_compression_name VS_LAZY (VS_LIB_ARCHIVE, archive_compression_name)
#undef archive_copy_error
#define archive_copy_error VS_LAZY (VS_LIB_ARCHIVE, archive_copy_error)
#undef archive_entry_acl
#define archive_entry_acl VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl)
#undef archive_entry_acl_add_entry
#define archive_entry_acl_add_entry VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_add_entry)
#undef archive_entry_acl_add_entry_w
#define archive_entry_acl_add_entry_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_add_entry_w)
#undef archive_entry_acl_clear
#define archive_entry_acl_clear VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_clear)
#undef archive_entry_acl_count
#define archive_entry_acl_count VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_count)
#undef archive_entry_acl_from_text
#define archive_entry_acl_from_text VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_from_text)
#undef archive_entry_acl_from_text_w
#define archive_entry_acl_from_text_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_from_text_w)
#undef archive_entry_acl_next
#define archive_entry_acl_next VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_next)
#undef archive_entry_acl_reset
#define archive_entry_acl_reset VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_reset)
#undef archive_entry_acl_text
#define archive_entry_acl_text VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_text)
#undef archive_entry_acl_text_w
#define archive_entry_acl_text_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_text_w)
#undef archive_entry_acl_to_text
#define archive_entry_acl_to_text VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_to_text)
#undef archive_entry_acl_to_text_w
#define archive_entry_acl_to_text_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_to_text_w)
#undef archive_entry_acl_types
#define archive_entry_acl_types VS_LAZY (VS_LIB_ARCHIVE, archive_entry_acl_types)
#undef archive_entry_atime
#define archive_entry_atime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_atime)
#undef archive_entry_atime_is_set
#define archive_entry_atime_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_atime_is_set)
#undef archive_entry_atime_nsec
#define archive_entry_atime_nsec VS_LAZY (VS_LIB_ARCHIVE, archive_entry_atime_nsec)
#undef archive_entry_birthtime
#define archive_entry_birthtime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_birthtime)
#undef archive_entry_birthtime_is_set
#define archive_entry_birthtime_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_birthtime_is_set)
#undef archive_entry_birthtime_nsec
#define archive_entry_birthtime_nsec VS_LAZY (VS_LIB_ARCHIVE, archive_entry_birthtime_nsec)
#undef archive_entry_clear
#define archive_entry_clear VS_LAZY (VS_LIB_ARCHIVE, archive_entry_clear)
#undef archive_entry_clone
#define archive_entry_clone VS_LAZY (VS_LIB_ARCHIVE, archive_entry_clone)
#undef archive_entry_copy_fflags_text
#define archive_entry_copy_fflags_text VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_fflags_text)
#undef archive_entry_copy_fflags_text_w
#define archive_entry_copy_fflags_text_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_fflags_text_w)
#undef archive_entry_copy_gname
#define archive_entry_copy_gname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_gname)
#undef archive_entry_copy_gname_w
#define archive_entry_copy_gname_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_gname_w)
#undef archive_entry_copy_hardlink
#define archive_entry_copy_hardlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_hardlink)
#undef archive_entry_copy_hardlink_w
#define archive_entry_copy_hardlink_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_hardlink_w)
#undef archive_entry_copy_link
#define archive_entry_copy_link VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_link)
#undef archive_entry_copy_link_w
#define archive_entry_copy_link_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_link_w)
#undef archive_entry_copy_mac_metadata
#define archive_entry_copy_mac_metadata VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_mac_metadata)
#undef archive_entry_copy_pathname
#define archive_entry_copy_pathname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_pathname)
#undef archive_entry_copy_pathname_w
#define archive_entry_copy_pathname_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_pathname_w)
#undef archive_entry_copy_sourcepath
#define archive_entry_copy_sourcepath VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_sourcepath)
#undef archive_entry_copy_sourcepath_w
#define archive_entry_copy_sourcepath_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_sourcepath_w)
#undef archive_entry_copy_stat
#define archive_entry_copy_stat VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_stat)
#undef archive_entry_copy_symlink
#define archive_entry_copy_symlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_symlink)
#undef archive_entry_copy_symlink_w
#define archive_entry_copy_symlink_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_symlink_w)
#undef archive_entry_copy_uname
#define archive_entry_copy_uname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_uname)
#undef archive_entry_copy_uname_w
#define archive_entry_copy_uname_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_copy_uname_w)
#undef archive_entry_ctime
#define archive_entry_ctime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_ctime)
#undef archive_entry_ctime_is_set
#define archive_entry_ctime_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_ctime_is_set)
#undef archive_entry_ctime_nsec
#define archive_entry_ctime_nsec VS_LAZY (VS_LIB_ARCHIVE, archive_entry_ctime_nsec)
#undef archive_entry_dev
#define archive_entry_dev VS_LAZY (VS_LIB_ARCHIVE, archive_entry_dev)
#undef archive_entry_dev_is_set
#define archive_entry_dev_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_dev_is_set)
#undef archive_entry_devmajor
#define archive_entry_devmajor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_devmajor)
#undef archive_entry_devminor
#define archive_entry_devminor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_devminor)
#undef archive_entry_digest
#define archive_entry_digest VS_LAZY (VS_LIB_ARCHIVE, archive_entry_digest)
#undef archive_entry_fflags
#define archive_entry_fflags VS_LAZY (VS_LIB_ARCHIVE, archive_entry_fflags)
#undef archive_entry_fflags_text
#define archive_entry_fflags_text VS_LAZY (VS_LIB_ARCHIVE, archive_entry_fflags_text)
#undef archive_entry_filetype
#define archive_entry_filetype VS_LAZY (VS_LIB_ARCHIVE, archive_entry_filetype)
#undef archive_entry_free
#define archive_entry_free VS_LAZY (VS_LIB_ARCHIVE, archive_entry_free)
#undef archive_entry_gid
#define archive_entry_gid VS_LAZY (VS_LIB_ARCHIVE, archive_entry_gid)
#undef archive_entry_gname
#define archive_entry_gname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_gname)
#undef archive_entry_gname_utf8
#define archive_entry_gname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_gname_utf8)
#undef archive_entry_gname_w
#define archive_entry_gname_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_gname_w)
#undef archive_entry_hardlink
#define archive_entry_hardlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_hardlink)
#undef archive_entry_hardlink_utf8
#define archive_entry_hardlink_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_hardlink_utf8)
#undef archive_entry_hardlink_w
#define archive_entry_hardlink_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_hardlink_w)
#undef archive_entry_ino
#define archive_entry_ino VS_LAZY (VS_LIB_ARCHIVE, archive_entry_ino)
#undef archive_entry_ino64
#define archive_entry_ino64 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_ino64)
#undef archive_entry_ino_is_set
#define archive_entry_ino_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_ino_is_set)
#undef archive_entry_is_data_encrypted
#define archive_entry_is_data_encrypted VS_LAZY (VS_LIB_ARCHIVE, archive_entry_is_data_encrypted)
#undef archive_entry_is_encrypted
#define archive_entry_is_encrypted VS_LAZY (VS_LIB_ARCHIVE, archive_entry_is_encrypted)
#undef archive_entry_is_metadata_encrypted
#define archive_entry_is_metadata_encrypted VS_LAZY (VS_LIB_ARCHIVE, archive_entry_is_metadata_encrypted)
#undef archive_entry_linkify
#define archive_entry_linkify VS_LAZY (VS_LIB_ARCHIVE, archive_entry_linkify)
#undef archive_entry_linkresolver_free
#define archive_entry_linkresolver_free VS_LAZY (VS_LIB_ARCHIVE, archive_entry_linkresolver_free)
#undef archive_entry_linkresolver_new
#define archive_entry_linkresolver_new VS_LAZY (VS_LIB_ARCHIVE, archive_entry_linkresolver_new)
#undef archive_entry_linkresolver_set_strategy
#define archive_entry_linkresolver_set_strategy VS_LAZY (VS_LIB_ARCHIVE, archive_entry_linkresolver_set_strategy)
#undef archive_entry_mac_metadata
#define archive_entry_mac_metadata VS_LAZY (VS_LIB_ARCHIVE, archive_entry_mac_metadata)
#undef archive_entry_mode
#define archive_entry_mode VS_LAZY (VS_LIB_ARCHIVE, archive_entry_mode)
#undef archive_entry_mtime
#define archive_entry_mtime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_mtime)
#undef archive_entry_mtime_is_set
#define archive_entry_mtime_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_mtime_is_set)
#undef archive_entry_mtime_nsec
#define archive_entry_mtime_nsec VS_LAZY (VS_LIB_ARCHIVE, archive_entry_mtime_nsec)
#undef archive_entry_new
#define archive_entry_new VS_LAZY (VS_LIB_ARCHIVE, archive_entry_new)
#undef archive_entry_new2
#define archive_entry_new2 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_new2)
#undef archive_entry_nlink
#define archive_entry_nlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_nlink)
#undef archive_entry_partial_links
#define archive_entry_partial_links VS_LAZY (VS_LIB_ARCHIVE, archive_entry_partial_links)
#undef archive_entry_pathname
#define archive_entry_pathname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_pathname)
#undef archive_entry_pathname_utf8
#define archive_entry_pathname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_pathname_utf8)
#undef archive_entry_pathname_w
#define archive_entry_pathname_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_pathname_w)
#undef archive_entry_perm
#define archive_entry_perm VS_LAZY (VS_LIB_ARCHIVE, archive_entry_perm)
#undef archive_entry_rdev
#define archive_entry_rdev VS_LAZY (VS_LIB_ARCHIVE, archive_entry_rdev)
#undef archive_entry_rdevmajor
#define archive_entry_rdevmajor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_rdevmajor)
#undef archive_entry_rdevminor
#define archive_entry_rdevminor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_rdevminor)
#undef archive_entry_set_atime
#define archive_entry_set_atime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_atime)
#undef archive_entry_set_birthtime
#define archive_entry_set_birthtime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_birthtime)
#undef archive_entry_set_ctime
#define archive_entry_set_ctime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_ctime)
#undef archive_entry_set_dev
#define archive_entry_set_dev VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_dev)
#undef archive_entry_set_devmajor
#define archive_entry_set_devmajor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_devmajor)
#undef archive_entry_set_devminor
#define archive_entry_set_devminor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_devminor)
#undef archive_entry_set_fflags
#define archive_entry_set_fflags VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_fflags)
#undef archive_entry_set_filetype
#define archive_entry_set_filetype VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_filetype)
#undef archive_entry_set_gid
#define archive_entry_set_gid VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_gid)
#undef archive_entry_set_gname
#define archive_entry_set_gname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_gname)
#undef archive_entry_set_gname_utf8
#define archive_entry_set_gname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_gname_utf8)
#undef archive_entry_set_hardlink
#define archive_entry_set_hardlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_hardlink)
#undef archive_entry_set_hardlink_utf8
#define archive_entry_set_hardlink_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_hardlink_utf8)
#undef archive_entry_set_ino
#define archive_entry_set_ino VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_ino)
#undef archive_entry_set_ino64
#define archive_entry_set_ino64 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_ino64)
#undef archive_entry_set_is_data_encrypted
#define archive_entry_set_is_data_encrypted VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_is_data_encrypted)
#undef archive_entry_set_is_metadata_encrypted
#define archive_entry_set_is_metadata_encrypted VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_is_metadata_encrypted)
#undef archive_entry_set_link
#define archive_entry_set_link VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_link)
#undef archive_entry_set_link_utf8
#define archive_entry_set_link_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_link_utf8)
#undef archive_entry_set_mode
#define archive_entry_set_mode VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_mode)
#undef archive_entry_set_mtime
#define archive_entry_set_mtime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_mtime)
#undef archive_entry_set_nlink
#define archive_entry_set_nlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_nlink)
#undef archive_entry_set_pathname
#define archive_entry_set_pathname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_pathname)
#undef archive_entry_set_pathname_utf8
#define archive_entry_set_pathname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_pathname_utf8)
#undef archive_entry_set_perm
#define archive_entry_set_perm VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_perm)
#undef archive_entry_set_rdev
#define archive_entry_set_rdev VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_rdev)
#undef archive_entry_set_rdevmajor
#define archive_entry_set_rdevmajor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_rdevmajor)
#undef archive_entry_set_rdevminor
#define archive_entry_set_rdevminor VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_rdevminor)
#undef archive_entry_set_size
#define archive_entry_set_size VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_size)
#undef archive_entry_set_symlink
#define archive_entry_set_symlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_symlink)
#undef archive_entry_set_symlink_type
#define archive_entry_set_symlink_type VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_symlink_type)
#undef archive_entry_set_symlink_utf8
#define archive_entry_set_symlink_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_symlink_utf8)
#undef archive_entry_set_uid
#define archive_entry_set_uid VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_uid)
#undef archive_entry_set_uname
#define archive_entry_set_uname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_uname)
#undef archive_entry_set_uname_utf8
#define archive_entry_set_uname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_set_uname_utf8)
#undef archive_entry_size
#define archive_entry_size VS_LAZY (VS_LIB_ARCHIVE, archive_entry_size)
#undef archive_entry_size_is_set
#define archive_entry_size_is_set VS_LAZY (VS_LIB_ARCHIVE, archive_entry_size_is_set)
#undef archive_entry_sourcepath
#define archive_entry_sourcepath VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sourcepath)
#undef archive_entry_sourcepath_w
#define archive_entry_sourcepath_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sourcepath_w)
#undef archive_entry_sparse_add_entry
#define archive_entry_sparse_add_entry VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sparse_add_entry)
#undef archive_entry_sparse_clear
#define archive_entry_sparse_clear VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sparse_clear)
#undef archive_entry_sparse_count
#define archive_entry_sparse_count VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sparse_count)
#undef archive_entry_sparse_next
#define archive_entry_sparse_next VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sparse_next)
#undef archive_entry_sparse_reset
#define archive_entry_sparse_reset VS_LAZY (VS_LIB_ARCHIVE, archive_entry_sparse_reset)
#undef archive_entry_stat
#define archive_entry_stat VS_LAZY (VS_LIB_ARCHIVE, archive_entry_stat)
#undef archive_entry_strmode
#define archive_entry_strmode VS_LAZY (VS_LIB_ARCHIVE, archive_entry_strmode)
#undef archive_entry_symlink
#define archive_entry_symlink VS_LAZY (VS_LIB_ARCHIVE, archive_entry_symlink)
#undef archive_entry_symlink_type
#define archive_entry_symlink_type VS_LAZY (VS_LIB_ARCHIVE, archive_entry_symlink_type)
#undef archive_entry_symlink_utf8
#define archive_entry_symlink_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_symlink_utf8)
#undef archive_entry_symlink_w
#define archive_entry_symlink_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_symlink_w)
#undef archive_entry_uid
#define archive_entry_uid VS_LAZY (VS_LIB_ARCHIVE, archive_entry_uid)
#undef archive_entry_uname
#define archive_entry_uname VS_LAZY (VS_LIB_ARCHIVE, archive_entry_uname)
#undef archive_entry_uname_utf8
#define archive_entry_uname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_uname_utf8)
#undef archive_entry_uname_w
#define archive_entry_uname_w VS_LAZY (VS_LIB_ARCHIVE, archive_entry_uname_w)
#undef archive_entry_unset_atime
#define archive_entry_unset_atime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_unset_atime)
#undef archive_entry_unset_birthtime
#define archive_entry_unset_birthtime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_unset_birthtime)
#undef archive_entry_unset_ctime
#define archive_entry_unset_ctime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_unset_ctime)
#undef archive_entry_unset_mtime
#define archive_entry_unset_mtime VS_LAZY (VS_LIB_ARCHIVE, archive_entry_unset_mtime)
#undef archive_entry_unset_size
#define archive_entry_unset_size VS_LAZY (VS_LIB_ARCHIVE, archive_entry_unset_size)
#undef archive_entry_update_gname_utf8
#define archive_entry_update_gname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_update_gname_utf8)
#undef archive_entry_update_hardlink_utf8
#define archive_entry_update_hardlink_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_update_hardlink_utf8)
#undef archive_entry_update_link_utf8
#define archive_entry_update_link_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_update_link_utf8)
#undef archive_entry_update_pathname_utf8
#define archive_entry_update_pathname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_update_pathname_utf8)
#undef archive_entry_update_symlink_utf8
#define archive_entry_update_symlink_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_update_symlink_utf8)
#undef archive_entry_update_uname_utf8
#define archive_entry_update_uname_utf8 VS_LAZY (VS_LIB_ARCHIVE, archive_entry_update_uname_utf8)
#undef archive_entry_xattr_add_entry
#define archive_entry_xattr_add_entry VS_LAZY (VS_LIB_ARCHIVE, archive_entry_xattr_add_entry)
#undef archive_entry_xattr_clear
#define archive_entry_xattr_clear VS_LAZY (VS_LIB_ARCHIVE, archive_entry_xattr_clear)
#undef archive_entry_xattr_count
#define archive_entry_xattr_count VS_LAZY (VS_LIB_ARCHIVE, archive_entry_xattr_count)
#undef archive_entry_xattr_next
#define archive_entry_xattr_next VS_LAZY (VS_LIB_ARCHIVE, archive_entry_xattr_next)
#undef archive_entry_xattr_reset
#define archive_entry_xattr_reset VS_LAZY (VS_LIB_ARCHIVE, archive_entry_xattr_reset)
#undef archive_errno
#define archive_errno VS_LAZY (VS_LIB_ARCHIVE, archive_errno)
#undef archive_error_string
#define archive_error_string VS_LAZY (VS_LIB_ARCHIVE, archive_error_string)
#undef archive_file_count
#define archive_file_count VS_LAZY (VS_LIB_ARCHIVE, archive_file_count)
#undef archive_filter_bytes
#define archive_filter_bytes VS_LAZY (VS_LIB_ARCHIVE, archive_filter_bytes)
#undef archive_filter_code
#define archive_filter_code VS_LAZY (VS_LIB_ARCHIVE, archive_filter_code)
#undef archive_filter_count
#define archive_filter_count VS_LAZY (VS_LIB_ARCHIVE, archive_filter_count)
#undef archive_filter_name
#define archive_filter_name VS_LAZY (VS_LIB_ARCHIVE, archive_filter_name)
#undef archive_format
#define archive_format VS_LAZY (VS_LIB_ARCHIVE, archive_format)
#undef archive_format_name
#define archive_format_name VS_LAZY (VS_LIB_ARCHIVE, archive_format_name)
#undef archive_free
#define archive_free VS_LAZY (VS_LIB_ARCHIVE, archive_free)
#undef archive_liblz4_version
#define archive_liblz4_version VS_LAZY (VS_LIB_ARCHIVE, archive_liblz4_version)
#undef archive_liblzma_version
#define archive_liblzma_version VS_LAZY (VS_LIB_ARCHIVE, archive_liblzma_version)
#undef archive_libzstd_version
#define archive_libzstd_version VS_LAZY (VS_LIB_ARCHIVE, archive_libzstd_version)
#undef archive_match_exclude_entry
#define archive_match_exclude_entry VS_LAZY (VS_LIB_ARCHIVE, archive_match_exclude_entry)
#undef archive_match_exclude_pattern
#define archive_match_exclude_pattern VS_LAZY (VS_LIB_ARCHIVE, archive_match_exclude_pattern)
#undef archive_match_exclude_pattern_from_file
#define archive_match_exclude_pattern_from_file VS_LAZY (VS_LIB_ARCHIVE, archive_match_exclude_pattern_from_file)
#undef archive_match_exclude_pattern_from_file_w
#define archive_match_exclude_pattern_from_file_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_exclude_pattern_from_file_w)
#undef archive_match_exclude_pattern_w
#define archive_match_exclude_pattern_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_exclude_pattern_w)
#undef archive_match_excluded
#define archive_match_excluded VS_LAZY (VS_LIB_ARCHIVE, archive_match_excluded)
#undef archive_match_free
#define archive_match_free VS_LAZY (VS_LIB_ARCHIVE, archive_match_free)
#undef archive_match_include_date
#define archive_match_include_date VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_date)
#undef archive_match_include_date_w
#define archive_match_include_date_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_date_w)
#undef archive_match_include_file_time
#define archive_match_include_file_time VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_file_time)
#undef archive_match_include_file_time_w
#define archive_match_include_file_time_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_file_time_w)
#undef archive_match_include_gid
#define archive_match_include_gid VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_gid)
#undef archive_match_include_gname
#define archive_match_include_gname VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_gname)
#undef archive_match_include_gname_w
#define archive_match_include_gname_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_gname_w)
#undef archive_match_include_pattern
#define archive_match_include_pattern VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_pattern)
#undef archive_match_include_pattern_from_file
#define archive_match_include_pattern_from_file VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_pattern_from_file)
#undef archive_match_include_pattern_from_file_w
#define archive_match_include_pattern_from_file_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_pattern_from_file_w)
#undef archive_match_include_pattern_w
#define archive_match_include_pattern_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_pattern_w)
#undef archive_match_include_time
#define archive_match_include_time VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_time)
#undef archive_match_include_uid
#define archive_match_include_uid VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_uid)
#undef archive_match_include_uname
#define archive_match_include_uname VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_uname)
#undef archive_match_include_uname_w
#define archive_match_include_uname_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_include_uname_w)
#undef archive_match_new
#define archive_match_new VS_LAZY (VS_LIB_ARCHIVE, archive_match_new)
#undef archive_match_owner_excluded
#define archive_match_owner_excluded VS_LAZY (VS_LIB_ARCHIVE, archive_match_owner_excluded)
#undef archive_match_path_excluded
#define archive_match_path_excluded VS_LAZY (VS_LIB_ARCHIVE, archive_match_path_excluded)
#undef archive_match_path_unmatched_inclusions
#define archive_match_path_unmatched_inclusions VS_LAZY (VS_LIB_ARCHIVE, archive_match_path_unmatched_inclusions)
#undef archive_match_path_unmatched_inclusions_next
#define archive_match_path_unmatched_inclusions_next VS_LAZY (VS_LIB_ARCHIVE, archive_match_path_unmatched_inclusions_next)
#undef archive_match_path_unmatched_inclusions_next_w
#define archive_match_path_unmatched_inclusions_next_w VS_LAZY (VS_LIB_ARCHIVE, archive_match_path_unmatched_inclusions_next_w)
#undef archive_match_set_inclusion_recursion
#define archive_match_set_inclusion_recursion VS_LAZY (VS_LIB_ARCHIVE, archive_match_set_inclusion_recursion)
#undef archive_match_time_excluded
#define archive_match_time_excluded VS_LAZY (VS_LIB_ARCHIVE, archive_match_time_excluded)
#undef archive_position_compressed
#define archive_position_compressed VS_LAZY (VS_LIB_ARCHIVE, archive_position_compressed)
#undef archive_position_uncompressed
#define archive_position_uncompressed VS_LAZY (VS_LIB_ARCHIVE, archive_position_uncompressed)
#undef archive_read_add_callback_data
#define archive_read_add_callback_data VS_LAZY (VS_LIB_ARCHIVE, archive_read_add_callback_data)
#undef archive_read_add_passphrase
#define archive_read_add_passphrase VS_LAZY (VS_LIB_ARCHIVE, archive_read_add_passphrase)
#undef archive_read_append_callback_data
#define archive_read_append_callback_data VS_LAZY (VS_LIB_ARCHIVE, archive_read_append_callback_data)
#undef archive_read_append_filter
#define archive_read_append_filter VS_LAZY (VS_LIB_ARCHIVE, archive_read_append_filter)
#undef archive_read_append_filter_program
#define archive_read_append_filter_program VS_LAZY (VS_LIB_ARCHIVE, archive_read_append_filter_program)
#undef archive_read_close
#define archive_read_close VS_LAZY (VS_LIB_ARCHIVE, archive_read_close)
#undef archive_read_data
#define archive_read_data VS_LAZY (VS_LIB_ARCHIVE, archive_read_data)
#undef archive_read_data_block
#define archive_read_data_block VS_LAZY (VS_LIB_ARCHIVE, archive_read_data_block)
#undef archive_read_data_into_fd
#define archive_read_data_into_fd VS_LAZY (VS_LIB_ARCHIVE, archive_read_data_into_fd)
#undef archive_read_data_skip
#define archive_read_data_skip VS_LAZY (VS_LIB_ARCHIVE, archive_read_data_skip)
#undef archive_read_disk_can_descend
#define archive_read_disk_can_descend VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_can_descend)
#undef archive_read_disk_current_filesystem
#define archive_read_disk_current_filesystem VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_current_filesystem)
#undef archive_read_disk_current_filesystem_is_remote
#define archive_read_disk_current_filesystem_is_remote VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_current_filesystem_is_remote)
#undef archive_read_disk_current_filesystem_is_synthetic
#define archive_read_disk_current_filesystem_is_synthetic VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_current_filesystem_is_synthetic)
#undef archive_read_disk_descend
#define archive_read_disk_descend VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_descend)
#undef archive_read_disk_entry_from_file
#define archive_read_disk_entry_from_file VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_entry_from_file)
#undef archive_read_disk_gname
#define archive_read_disk_gname VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_gname)
#undef archive_read_disk_new
#define archive_read_disk_new VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_new)
#undef archive_read_disk_open
#define archive_read_disk_open VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_open)
#undef archive_read_disk_open_w
#define archive_read_disk_open_w VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_open_w)
#undef archive_read_disk_set_atime_restored
#define archive_read_disk_set_atime_restored VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_atime_restored)
#undef archive_read_disk_set_behavior
#define archive_read_disk_set_behavior VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_behavior)
#undef archive_read_disk_set_gname_lookup
#define archive_read_disk_set_gname_lookup VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_gname_lookup)
#undef archive_read_disk_set_matching
#define archive_read_disk_set_matching VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_matching)
#undef archive_read_disk_set_metadata_filter_callback
#define archive_read_disk_set_metadata_filter_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_metadata_filter_callback)
#undef archive_read_disk_set_standard_lookup
#define archive_read_disk_set_standard_lookup VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_standard_lookup)
#undef archive_read_disk_set_symlink_hybrid
#define archive_read_disk_set_symlink_hybrid VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_symlink_hybrid)
#undef archive_read_disk_set_symlink_logical
#define archive_read_disk_set_symlink_logical VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_symlink_logical)
#undef archive_read_disk_set_symlink_physical
#define archive_read_disk_set_symlink_physical VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_symlink_physical)
#undef archive_read_disk_set_uname_lookup
#define archive_read_disk_set_uname_lookup VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_set_uname_lookup)
#undef archive_read_disk_uname
#define archive_read_disk_uname VS_LAZY (VS_LIB_ARCHIVE, archive_read_disk_uname)
#undef archive_read_extract
#define archive_read_extract VS_LAZY (VS_LIB_ARCHIVE, archive_read_extract)
#undef archive_read_extract2
#define archive_read_extract2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_extract2)
#undef archive_read_extract_set_progress_callback
#define archive_read_extract_set_progress_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_extract_set_progress_callback)
#undef archive_read_extract_set_skip_file
#define archive_read_extract_set_skip_file VS_LAZY (VS_LIB_ARCHIVE, archive_read_extract_set_skip_file)
#undef archive_read_finish
#define archive_read_finish VS_LAZY (VS_LIB_ARCHIVE, archive_read_finish)
#undef archive_read_format_capabilities
#define archive_read_format_capabilities VS_LAZY (VS_LIB_ARCHIVE, archive_read_format_capabilities)
#undef archive_read_free
#define archive_read_free VS_LAZY (VS_LIB_ARCHIVE, archive_read_free)
#undef archive_read_has_encrypted_entries
#define archive_read_has_encrypted_entries VS_LAZY (VS_LIB_ARCHIVE, archive_read_has_encrypted_entries)
#undef archive_read_header_position
#define archive_read_header_position VS_LAZY (VS_LIB_ARCHIVE, archive_read_header_position)
#undef archive_read_new
#define archive_read_new VS_LAZY (VS_LIB_ARCHIVE, archive_read_new)
#undef archive_read_next_header
#define archive_read_next_header VS_LAZY (VS_LIB_ARCHIVE, archive_read_next_header)
#undef archive_read_next_header2
#define archive_read_next_header2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_next_header2)
#undef archive_read_open
#define archive_read_open VS_LAZY (VS_LIB_ARCHIVE, archive_read_open)
#undef archive_read_open1
#define archive_read_open1 VS_LAZY (VS_LIB_ARCHIVE, archive_read_open1)
#undef archive_read_open2
#define archive_read_open2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_open2)
#define archive_read_open_FILE VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_FILE)
#undef archive_read_open_fd
#define archive_read_open_fd VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_fd)
#undef archive_read_open_file
#define archive_read_open_file VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_file)
#undef archive_read_open_filename
#define archive_read_open_filename VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_filename)
#undef archive_read_open_filename_w
#define archive_read_open_filename_w VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_filename_w)
#undef archive_read_open_filenames
#define archive_read_open_filenames VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_filenames)
#undef archive_read_open_memory
#define archive_read_open_memory VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_memory)
#undef archive_read_open_memory2
#define archive_read_open_memory2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_open_memory2)
#undef archive_read_prepend_callback_data
#define archive_read_prepend_callback_data VS_LAZY (VS_LIB_ARCHIVE, archive_read_prepend_callback_data)
#undef archive_read_set_callback_data
#define archive_read_set_callback_data VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_callback_data)
#undef archive_read_set_callback_data2
#define archive_read_set_callback_data2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_callback_data2)
#undef archive_read_set_close_callback
#define archive_read_set_close_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_close_callback)
#undef archive_read_set_filter_option
#define archive_read_set_filter_option VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_filter_option)
#undef archive_read_set_format
#define archive_read_set_format VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_format)
#undef archive_read_set_format_option
#define archive_read_set_format_option VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_format_option)
#undef archive_read_set_open_callback
#define archive_read_set_open_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_open_callback)
#undef archive_read_set_option
#define archive_read_set_option VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_option)
#undef archive_read_set_options
#define archive_read_set_options VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_options)
#undef archive_read_set_passphrase_callback
#define archive_read_set_passphrase_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_passphrase_callback)
#undef archive_read_set_read_callback
#define archive_read_set_read_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_read_callback)
#undef archive_read_set_seek_callback
#define archive_read_set_seek_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_seek_callback)
#undef archive_read_set_skip_callback
#define archive_read_set_skip_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_skip_callback)
#undef archive_read_set_switch_callback
#define archive_read_set_switch_callback VS_LAZY (VS_LIB_ARCHIVE, archive_read_set_switch_callback)
#undef archive_read_support_compression_all
#define archive_read_support_compression_all VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_all)
#undef archive_read_support_compression_bzip2
#define archive_read_support_compression_bzip2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_bzip2)
#undef archive_read_support_compression_compress
#define archive_read_support_compression_compress VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_compress)
#undef archive_read_support_compression_gzip
#define archive_read_support_compression_gzip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_gzip)
#undef archive_read_support_compression_lzip
#define archive_read_support_compression_lzip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_lzip)
#undef archive_read_support_compression_lzma
#define archive_read_support_compression_lzma VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_lzma)
#undef archive_read_support_compression_none
#define archive_read_support_compression_none VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_none)
#undef archive_read_support_compression_program
#define archive_read_support_compression_program VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_program)
#undef archive_read_support_compression_rpm
#define archive_read_support_compression_rpm VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_rpm)
#undef archive_read_support_compression_uu
#define archive_read_support_compression_uu VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_uu)
#undef archive_read_support_compression_xz
#define archive_read_support_compression_xz VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_compression_xz)
#undef archive_read_support_filter_all
#define archive_read_support_filter_all VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_all)
#undef archive_read_support_filter_by_code
#define archive_read_support_filter_by_code VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_by_code)
#undef archive_read_support_filter_bzip2
#define archive_read_support_filter_bzip2 VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_bzip2)
#undef archive_read_support_filter_compress
#define archive_read_support_filter_compress VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_compress)
#undef archive_read_support_filter_grzip
#define archive_read_support_filter_grzip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_grzip)
#undef archive_read_support_filter_gzip
#define archive_read_support_filter_gzip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_gzip)
#undef archive_read_support_filter_lrzip
#define archive_read_support_filter_lrzip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_lrzip)
#undef archive_read_support_filter_lz4
#define archive_read_support_filter_lz4 VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_lz4)
#undef archive_read_support_filter_lzip
#define archive_read_support_filter_lzip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_lzip)
#undef archive_read_support_filter_lzma
#define archive_read_support_filter_lzma VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_lzma)
#undef archive_read_support_filter_lzop
#define archive_read_support_filter_lzop VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_lzop)
#undef archive_read_support_filter_none
#define archive_read_support_filter_none VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_none)
#undef archive_read_support_filter_program
#define archive_read_support_filter_program VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_program)
#undef archive_read_support_filter_rpm
#define archive_read_support_filter_rpm VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_rpm)
#undef archive_read_support_filter_uu
#define archive_read_support_filter_uu VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_uu)
#undef archive_read_support_filter_xz
#define archive_read_support_filter_xz VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_xz)
#undef archive_read_support_filter_zstd
#define archive_read_support_filter_zstd VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_filter_zstd)
#undef archive_read_support_format_7zip
#define archive_read_support_format_7zip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_7zip)
#undef archive_read_support_format_all
#define archive_read_support_format_all VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_all)
#undef archive_read_support_format_ar
#define archive_read_support_format_ar VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_ar)
#undef archive_read_support_format_by_code
#define archive_read_support_format_by_code VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_by_code)
#undef archive_read_support_format_cab
#define archive_read_support_format_cab VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_cab)
#undef archive_read_support_format_cpio
#define archive_read_support_format_cpio VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_cpio)
#undef archive_read_support_format_empty
#define archive_read_support_format_empty VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_empty)
#undef archive_read_support_format_gnutar
#define archive_read_support_format_gnutar VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_gnutar)
#undef archive_read_support_format_iso9660
#define archive_read_support_format_iso9660 VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_iso9660)
#undef archive_read_support_format_lha
#define archive_read_support_format_lha VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_lha)
#undef archive_read_support_format_mtree
#define archive_read_support_format_mtree VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_mtree)
#undef archive_read_support_format_rar
#define archive_read_support_format_rar VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_rar)
#undef archive_read_support_format_rar5
#define archive_read_support_format_rar5 VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_rar5)
#undef archive_read_support_format_raw
#define archive_read_support_format_raw VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_raw)
#undef archive_read_support_format_tar
#define archive_read_support_format_tar VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_tar)
#undef archive_read_support_format_warc
#define archive_read_support_format_warc VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_warc)
#undef archive_read_support_format_xar
#define archive_read_support_format_xar VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_xar)
#undef archive_read_support_format_zip
#define archive_read_support_format_zip VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_zip)
#undef archive_read_support_format_zip_seekable
#define archive_read_support_format_zip_seekable VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_zip_seekable)
#undef archive_read_support_format_zip_streamable
#define archive_read_support_format_zip_streamable VS_LAZY (VS_LIB_ARCHIVE, archive_read_support_format_zip_streamable)
#undef archive_seek_data
#define archive_seek_data VS_LAZY (VS_LIB_ARCHIVE, archive_seek_data)
#undef archive_set_error
#define archive_set_error VS_LAZY (VS_LIB_ARCHIVE, archive_set_error)
#undef archive_utility_string_sort
#define archive_utility_string_sort VS_LAZY (VS_LIB_ARCHIVE, archive_utility_string_sort)
#undef archive_version_details
#define archive_version_details VS_LAZY (VS_LIB_ARCHIVE, archive_version_details)
#undef archive_version_number
#define archive_version_number VS_LAZY (VS_LIB_ARCHIVE, archive_version_number)
#undef archive_version_string
#define archive_version_string VS_LAZY (VS_LIB_ARCHIVE, archive_version_string)
#undef archive_write_add_filter
#define archive_write_add_filter VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter)
#undef archive_write_add_filter_b64encode
#define archive_write_add_filter_b64encode VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_b64encode)
#undef archive_write_add_filter_by_name
#define archive_write_add_filter_by_name VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_by_name)
#undef archive_write_add_filter_bzip2
#define archive_write_add_filter_bzip2 VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_bzip2)
#undef archive_write_add_filter_compress
#define archive_write_add_filter_compress VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_compress)
#undef archive_write_add_filter_grzip
#define archive_write_add_filter_grzip VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_grzip)
#undef archive_write_add_filter_gzip
#define archive_write_add_filter_gzip VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_gzip)
#undef archive_write_add_filter_lrzip
#define archive_write_add_filter_lrzip VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_lrzip)
#undef archive_write_add_filter_lz4
#define archive_write_add_filter_lz4 VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_lz4)
#undef archive_write_add_filter_lzip
#define archive_write_add_filter_lzip VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_lzip)
#undef archive_write_add_filter_lzma
#define archive_write_add_filter_lzma VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_lzma)
#undef archive_write_add_filter_lzop
#define archive_write_add_filter_lzop VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_lzop)
#undef archive_write_add_filter_none
#define archive_write_add_filter_none VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_none)
#undef archive_write_add_filter_program
#define archive_write_add_filter_program VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_program)
#undef archive_write_add_filter_uuencode
#define archive_write_add_filter_uuencode VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_uuencode)
#undef archive_write_add_filter_xz
#define archive_write_add_filter_xz VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_xz)
#undef archive_write_add_filter_zstd
#define archive_write_add_filter_zstd VS_LAZY (VS_LIB_ARCHIVE, archive_write_add_filter_zstd)
#undef archive_write_close
#define archive_write_close VS_LAZY (VS_LIB_ARCHIVE, archive_write_close)
#undef archive_write_data
#define archive_write_data VS_LAZY (VS_LIB_ARCHIVE, archive_write_data)
#undef archive_write_data_block
#define archive_write_data_block VS_LAZY (VS_LIB_ARCHIVE, archive_write_data_block)
#undef archive_write_disk_gid
#define archive_write_disk_gid VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_gid)
#undef archive_write_disk_new
#define archive_write_disk_new VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_new)
#undef archive_write_disk_set_group_lookup
#define archive_write_disk_set_group_lookup VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_set_group_lookup)
#undef archive_write_disk_set_options
#define archive_write_disk_set_options VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_set_options)
#undef archive_write_disk_set_skip_file
#define archive_write_disk_set_skip_file VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_set_skip_file)
#undef archive_write_disk_set_standard_lookup
#define archive_write_disk_set_standard_lookup VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_set_standard_lookup)
#undef archive_write_disk_set_user_lookup
#define archive_write_disk_set_user_lookup VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_set_user_lookup)
#undef archive_write_disk_uid
#define archive_write_disk_uid VS_LAZY (VS_LIB_ARCHIVE, archive_write_disk_uid)
#undef archive_write_fail
#define archive_write_fail VS_LAZY (VS_LIB_ARCHIVE, archive_write_fail)
#undef archive_write_finish
#define archive_write_finish VS_LAZY (VS_LIB_ARCHIVE, archive_write_finish)
#undef archive_write_finish_entry
#define archive_write_finish_entry VS_LAZY (VS_LIB_ARCHIVE, archive_write_finish_entry)
#undef archive_write_free
#define archive_write_free VS_LAZY (VS_LIB_ARCHIVE, archive_write_free)
#undef archive_write_get_bytes_in_last_block
#define archive_write_get_bytes_in_last_block VS_LAZY (VS_LIB_ARCHIVE, archive_write_get_bytes_in_last_block)
#undef archive_write_get_bytes_per_block
#define archive_write_get_bytes_per_block VS_LAZY (VS_LIB_ARCHIVE, archive_write_get_bytes_per_block)
#undef archive_write_header
#define archive_write_header VS_LAZY (VS_LIB_ARCHIVE, archive_write_header)
#undef archive_write_new
#define archive_write_new VS_LAZY (VS_LIB_ARCHIVE, archive_write_new)
#undef archive_write_open
#define archive_write_open VS_LAZY (VS_LIB_ARCHIVE, archive_write_open)
#undef archive_write_open2
#define archive_write_open2 VS_LAZY (VS_LIB_ARCHIVE, archive_write_open2)
#define archive_write_open_FILE VS_LAZY (VS_LIB_ARCHIVE, archive_write_open_FILE)
#undef archive_write_open_fd
#define archive_write_open_fd VS_LAZY (VS_LIB_ARCHIVE, archive_write_open_fd)
#undef archive_write_open_file
#define archive_write_open_file VS_LAZY (VS_LIB_ARCHIVE, archive_write_open_file)
#undef archive_write_open_filename
#define archive_write_open_filename VS_LAZY (VS_LIB_ARCHIVE, archive_write_open_filename)
#undef archive_write_open_filename_w
#define archive_write_open_filename_w VS_LAZY (VS_LIB_ARCHIVE, archive_write_open_filename_w)
#undef archive_write_open_memory
#define archive_write_open_memory VS_LAZY (VS_LIB_ARCHIVE, archive_write_open_memory)
#undef archive_write_set_bytes_in_last_block
#define archive_write_set_bytes_in_last_block VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_bytes_in_last_block)
#undef archive_write_set_bytes_per_block
#define archive_write_set_bytes_per_block VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_bytes_per_block)
#undef archive_write_set_compression_bzip2
#define archive_write_set_compression_bzip2 VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_bzip2)
#undef archive_write_set_compression_compress
#define archive_write_set_compression_compress VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_compress)
#undef archive_write_set_compression_gzip
#define archive_write_set_compression_gzip VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_gzip)
#undef archive_write_set_compression_lzip
#define archive_write_set_compression_lzip VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_lzip)
#undef archive_write_set_compression_lzma
#define archive_write_set_compression_lzma VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_lzma)
#undef archive_write_set_compression_none
#define archive_write_set_compression_none VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_none)
#undef archive_write_set_compression_program
#define archive_write_set_compression_program VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_program)
#undef archive_write_set_compression_xz
#define archive_write_set_compression_xz VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_compression_xz)
#undef archive_write_set_filter_option
#define archive_write_set_filter_option VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_filter_option)
#undef archive_write_set_format
#define archive_write_set_format VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format)
#undef archive_write_set_format_7zip
#define archive_write_set_format_7zip VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_7zip)
#undef archive_write_set_format_ar_bsd
#define archive_write_set_format_ar_bsd VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_ar_bsd)
#undef archive_write_set_format_ar_svr4
#define archive_write_set_format_ar_svr4 VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_ar_svr4)
#undef archive_write_set_format_by_name
#define archive_write_set_format_by_name VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_by_name)
#undef archive_write_set_format_cpio
#define archive_write_set_format_cpio VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_cpio)
#undef archive_write_set_format_cpio_bin
#define archive_write_set_format_cpio_bin VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_cpio_bin)
#undef archive_write_set_format_cpio_newc
#define archive_write_set_format_cpio_newc VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_cpio_newc)
#undef archive_write_set_format_cpio_odc
#define archive_write_set_format_cpio_odc VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_cpio_odc)
#undef archive_write_set_format_cpio_pwb
#define archive_write_set_format_cpio_pwb VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_cpio_pwb)
#undef archive_write_set_format_filter_by_ext
#define archive_write_set_format_filter_by_ext VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_filter_by_ext)
#undef archive_write_set_format_filter_by_ext_def
#define archive_write_set_format_filter_by_ext_def VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_filter_by_ext_def)
#undef archive_write_set_format_gnutar
#define archive_write_set_format_gnutar VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_gnutar)
#undef archive_write_set_format_iso9660
#define archive_write_set_format_iso9660 VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_iso9660)
#undef archive_write_set_format_mtree
#define archive_write_set_format_mtree VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_mtree)
#undef archive_write_set_format_mtree_classic
#define archive_write_set_format_mtree_classic VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_mtree_classic)
#undef archive_write_set_format_option
#define archive_write_set_format_option VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_option)
#undef archive_write_set_format_pax
#define archive_write_set_format_pax VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_pax)
#undef archive_write_set_format_pax_restricted
#define archive_write_set_format_pax_restricted VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_pax_restricted)
#undef archive_write_set_format_raw
#define archive_write_set_format_raw VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_raw)
#undef archive_write_set_format_shar
#define archive_write_set_format_shar VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_shar)
#undef archive_write_set_format_shar_dump
#define archive_write_set_format_shar_dump VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_shar_dump)
#undef archive_write_set_format_ustar
#define archive_write_set_format_ustar VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_ustar)
#undef archive_write_set_format_v7tar
#define archive_write_set_format_v7tar VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_v7tar)
#undef archive_write_set_format_warc
#define archive_write_set_format_warc VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_warc)
#undef archive_write_set_format_xar
#define archive_write_set_format_xar VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_xar)
#undef archive_write_set_format_zip
#define archive_write_set_format_zip VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_format_zip)
#undef archive_write_set_option
#define archive_write_set_option VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_option)
#undef archive_write_set_options
#define archive_write_set_options VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_options)
#undef archive_write_set_passphrase
#define archive_write_set_passphrase VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_passphrase)
#undef archive_write_set_passphrase_callback
#define archive_write_set_passphrase_callback VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_passphrase_callback)
#undef archive_write_set_skip_file
#define archive_write_set_skip_file VS_LAZY (VS_LIB_ARCHIVE, archive_write_set_skip_file)
#undef archive_write_zip_set_compression_deflate
#define archive_write_zip_set_compression_deflate VS_LAZY (VS_LIB_ARCHIVE, archive_write_zip_set_compression_deflate)
#undef archive_write_zip_set_compression_store
#define archive_write_zip_set_compression_store VS_LAZY (VS_LIB_ARCHIVE, archive_write_zip_set_compression_store)
#undef archive_zlib_version
#define archive_zlib_version VS_LAZY (VS_LIB_ARCHIVE, archive_zlib_version)
