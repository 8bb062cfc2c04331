//! The rustls configuration of a client: built-in web PKI roots plus the configured CA file, an
//! optional client certificate for mutual TLS, and the dangerous accept-anything switch.

use std::path::Path;
use std::sync::Arc;

use tokio_rustls::rustls;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio_rustls::rustls::{DigitallySignedStruct, SignatureScheme};

use crate::client::TlsOptions;
use crate::error::Error;

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path)
        .map_err(|e| Error::Config(format!("cannot read {what} {}: {e}", path.display())))
}

/// Builds the client's TLS configuration (ring provider, TLS 1.2 and 1.3, ALPN `h2` then
/// `http/1.1`).
///
/// # Errors
/// [`Error::Config`] when a file cannot be read, holds no certificate or key, or is rejected by rustls.
pub(crate) fn client_config(opts: &TlsOptions) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?;
    let builder = if opts.danger_accept_invalid_certs {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(ca) = &opts.ca_file {
            let pem = read_file(ca, "CA file")?;
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| {
                    Error::Config(format!("CA file {} is not PEM: {e}", ca.display()))
                })?;
                roots.add(cert).map_err(|e| {
                    Error::Config(format!(
                        "CA file {} has a certificate rustls rejects: {e}",
                        ca.display()
                    ))
                })?;
                added += 1;
            }
            if added == 0 {
                return Err(Error::Config(format!(
                    "CA file {} has no PEM certificate (-----BEGIN CERTIFICATE-----)",
                    ca.display()
                )));
            }
        }
        builder.with_root_certificates(roots)
    };
    let mut config = match (&opts.client_cert, &opts.client_key) {
        (Some(cert), key) => {
            let cert_pem = read_file(cert, "client certificate")?;
            let chain = CertificateDer::pem_slice_iter(&cert_pem)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    Error::Config(format!(
                        "client certificate {} is not PEM: {e}",
                        cert.display()
                    ))
                })?;
            if chain.is_empty() {
                return Err(Error::Config(format!(
                    "client certificate {} has no PEM certificate",
                    cert.display()
                )));
            }
            // The key may sit in its own file or after the certificate in the same one.
            let key_pem = match key {
                Some(k) => read_file(k, "client key")?,
                None => cert_pem.clone(),
            };
            let key_path = key.as_deref().unwrap_or(cert);
            let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
                Error::Config(format!(
                    "client key {} has no PEM private key: {e}",
                    key_path.display()
                ))
            })?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                Error::Config(format!(
                    "client certificate {} / key are not usable: {e}",
                    cert.display()
                ))
            })?
        }
        (None, Some(key)) => {
            return Err(Error::Config(format!(
                "client key {} given without a certificate",
                key.display()
            )));
        }
        (None, None) => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// `danger_accept_invalid_certs`: any certificate chain and name is accepted; handshake signatures
/// are still checked, so the peer must hold the key of the certificate it shows.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
