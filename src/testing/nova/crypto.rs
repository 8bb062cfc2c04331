//! Keypair crypto as Nova does it (`nova/crypto.py`): fingerprints of imported keys (MD5 of an
//! OpenSSH public key's blob, SHA-1 of an X.509 certificate's DER) and generated keys.
//!
//! Nova generates 2048-bit RSA keys; this fake generates Ed25519 keys (ring has no RSA key
//! generation), returned in OpenSSH's private key format and usable with `ssh -i`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::rand::SecureRandom as _;
use ring::signature::KeyPair as _;

/// `aa:bb:…`: bytes as colon-separated lower-case hex pairs.
fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Reads one SSH wire `string` (u32 length, bytes) from the front of `blob`.
fn take_string<'a>(blob: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = blob.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    if rest.len() < len {
        return None;
    }
    let (s, rest) = rest.split_at(len);
    *blob = rest;
    Some(s)
}

/// The fingerprint Nova gives an imported OpenSSH public key (`ssh-rsa AAAA… comment`): MD5 of
/// the decoded blob, `aa:bb:…`. `None` when the text is not a public key of a type
/// `cryptography.load_ssh_public_key` reads (RSA, DSA, ECDSA, Ed25519), which Nova answers with
/// `400 Keypair data is invalid: failed to generate fingerprint`.
pub(crate) fn ssh_fingerprint(public_key: &str) -> Option<String> {
    let mut words = public_key.split_whitespace();
    let kind = words.next()?;
    let blob = STANDARD.decode(words.next()?).ok()?;
    let mut rest = blob.as_slice();
    if take_string(&mut rest)? != kind.as_bytes() {
        return None;
    }
    let fields = match kind {
        "ssh-ed25519" => {
            if take_string(&mut rest)?.len() != 32 {
                return None;
            }
            0
        }
        "ssh-rsa" => 2,
        "ssh-dss" => 4,
        "ecdsa-sha2-nistp256" | "ecdsa-sha2-nistp384" | "ecdsa-sha2-nistp521" => 2,
        _ => return None,
    };
    for _ in 0..fields {
        if take_string(&mut rest)?.is_empty() {
            return None;
        }
    }
    rest.is_empty().then(|| colon_hex(&md5(&blob)))
}

/// The fingerprint Nova gives an imported X.509 certificate (PEM): SHA-1 of its DER, `aa:bb:…`.
///
/// # Errors
/// The reason, for Nova's `Keypair data is invalid: failed to generate X509 fingerprint. Error
/// message: …`.
pub(crate) fn x509_fingerprint(pem: &str) -> Result<String, String> {
    let body = pem
        .split("-----BEGIN CERTIFICATE-----")
        .nth(1)
        .and_then(|rest| rest.split("-----END CERTIFICATE-----").next())
        .ok_or("Unable to load PEM file. No certificate found")?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = STANDARD
        .decode(b64)
        .map_err(|e| format!("Unable to load PEM file: {e}"))?;
    // A DER certificate is a SEQUENCE.
    if der.first() != Some(&0x30) || der.len() < 16 {
        return Err("error parsing asn1 value".into());
    }
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    Ok(colon_hex(digest.as_ref()))
}

/// A key pair generated for `POST /os-keypairs` without a public key: `(private key in
/// OpenSSH format, "ssh-ed25519 AAAA… Generated-by-Nova", fingerprint)`.
pub(crate) fn generate() -> Option<(String, String, String)> {
    let rng = ring::rand::SystemRandom::new();
    let mut seed = [0u8; 32];
    rng.fill(&mut seed).ok()?;
    let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed).ok()?;
    let public: &[u8] = pair.public_key().as_ref();
    let blob = ssh_blob(&[b"ssh-ed25519", public]);
    let public_key = format!("ssh-ed25519 {} Generated-by-Nova", STANDARD.encode(&blob));
    let fingerprint = colon_hex(&md5(&blob));
    let mut check = [0u8; 4];
    rng.fill(&mut check).ok()?;
    let secret: Vec<u8> = seed.iter().chain(public).copied().collect();
    let mut private = Vec::new();
    private.extend_from_slice(&check);
    private.extend_from_slice(&check);
    private.extend(ssh_blob(&[
        b"ssh-ed25519",
        public,
        &secret,
        b"Generated-by-Nova",
    ]));
    let mut pad = 1u8;
    while private.len() % 8 != 0 {
        private.push(pad);
        pad += 1;
    }
    let mut file = b"openssh-key-v1\0".to_vec();
    file.extend(ssh_blob(&[b"none", b"none", b""]));
    file.extend_from_slice(&1u32.to_be_bytes());
    file.extend(ssh_blob(&[&blob, &private]));
    let b64 = STANDARD.encode(&file);
    let mut pem = String::from("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(70) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    Some((pem, public_key, fingerprint))
}

/// SSH wire `string`s, concatenated.
fn ssh_blob(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        let len = u32::try_from(p.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// MD5 (RFC 1321), for Nova's key fingerprints only.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64u32)
        .map(|i| {
            // floor(|sin(i + 1)| * 2^32), the RFC's table.
            let v = (f64::from(i + 1).sin().abs() * 4_294_967_296.0).floor();
            // The value is below 2^32 by construction.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let v = v as u32;
            v
        })
        .collect();
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (
        0x6745_2301_u32,
        0xefcd_ab89_u32,
        0x98ba_dcfe_u32,
        0x1032_5476_u32,
    );
    for chunk in msg.chunks_exact(64) {
        let m: Vec<u32> = chunk
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, word) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn md5_vectors() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn fingerprints() {
        // The key Nova's API samples import (doc/api_samples/os-keypairs), whose fingerprint
        // Nova answers as 1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c.
        let key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova";
        assert_eq!(
            ssh_fingerprint(key).as_deref(),
            Some("1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c")
        );
        assert_eq!(ssh_fingerprint("ssh-rsa AAAAnotakey x"), None);
        assert_eq!(ssh_fingerprint("garbage"), None);
        let (private, public, fp) = generate().expect("generates");
        assert!(private.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
        assert!(public.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
        assert!(public.ends_with(" Generated-by-Nova"));
        assert_eq!(ssh_fingerprint(&public).as_deref(), Some(fp.as_str()));
        assert!(x509_fingerprint("nope").is_err());
    }
}
