export { ensureCertificate, splitPem, CERTIFICATE_FILE } from './certificate.ts';
export type { CertificateOptions, EnsuredCertificate, TlsPair } from './certificate.ts';
export { lanAddresses, lanUrls } from './network.ts';
export type { InterfaceTable } from './network.ts';
export { qrForTerminal } from './qr.ts';
export { printLanBanner } from './banner.ts';
export type { BannerOptions } from './banner.ts';
export { defaultCertificateDir, findWorkspaceRoot, loadTls, readTlsFiles } from './tls.ts';
export type { TlsSource } from './tls.ts';
