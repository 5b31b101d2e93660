//! Every JSON-LD context URL Rosette writes, and the context documents it
//! bundles (never fetched; sources and SHA-256 in `contexts/SOURCES.md`).

/// W3C Verifiable Credentials Data Model 2.0.
pub const VC_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// Open Badges 3.0, version 3.0.3 (3.0.0 and 3.0.1 redefine protected
/// terms of VC 2.0; see standards.md §2.1).
pub const OB_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// 1EdTech extensions (`1EdTechJsonSchemaValidator2019`, …).
pub const OB_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// The `@context` of every OB 3.0 credential, in this order (design.md §5).
pub const CREDENTIAL: [&str; 3] = [VC_V2, OB_V3, OB_EXTENSIONS];
/// The `@context` of an achievement published on its own.
pub const ACHIEVEMENT: [&str; 2] = [VC_V2, OB_V3];
/// The 1EdTech JSON schema that endorsements declare in `credentialSchema`.
pub const OB_V3_ENDORSEMENT_SCHEMA: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json";
/// Open Badges 2.0.
pub const OB_V2: &str = "https://w3id.org/openbadges/v2";
/// The `@context` of the DID document.
pub const DID_DOCUMENT: [&str; 2] = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
];

/// The bundled context documents: (URL, JSON text).
pub const BUNDLED: [(&str, &str); 3] = [
    (VC_V2, include_str!("../../contexts/credentials-v2.jsonld")),
    (
        OB_V3,
        include_str!("../../contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        OB_EXTENSIONS,
        include_str!("../../contexts/ob-v3p0-extensions.json"),
    ),
];
