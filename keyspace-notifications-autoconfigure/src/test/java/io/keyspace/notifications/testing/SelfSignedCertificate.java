package io.keyspace.notifications.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate for 127.0.0.1, made with the JDK's keytool and written as the PEM
 * files redis-server's {@code tls-cert-file} / {@code tls-key-file} expect, plus an
 * {@link SSLContext} that trusts it.
 */
public final class SelfSignedCertificate {

	private static final char[] PASSWORD = "changeit".toCharArray();

	private final Path certificateFile;

	private final Path keyFile;

	private final Path keyStoreFile;

	private final KeyStore keyStore;

	private SelfSignedCertificate(Path certificateFile, Path keyFile, Path keyStoreFile, KeyStore keyStore) {
		this.certificateFile = certificateFile;
		this.keyFile = keyFile;
		this.keyStoreFile = keyStoreFile;
		this.keyStore = keyStore;
	}

	public static SelfSignedCertificate create(Path dir) throws IOException, GeneralSecurityException,
			InterruptedException {
		Path keyStoreFile = dir.resolve("redis.p12");
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "redis", "-keyalg", "RSA",
				"-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
				"-storetype", "PKCS12", "-keystore", keyStoreFile.toString(), "-storepass", new String(PASSWORD))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException("keytool failed: " + output);
		}
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStoreFile)) {
			keyStore.load(in, PASSWORD);
		}
		Key key = keyStore.getKey("redis", PASSWORD);
		Certificate certificate = keyStore.getCertificate("redis");
		Path certificateFile = Files.writeString(dir.resolve("redis.crt"), pem("CERTIFICATE", certificate.getEncoded()));
		Path keyFile = Files.writeString(dir.resolve("redis.key"), pem("PRIVATE KEY", key.getEncoded()));
		return new SelfSignedCertificate(certificateFile, keyFile, keyStoreFile, keyStore);
	}

	public Path certificateFile() {
		return this.certificateFile;
	}

	public Path keyFile() {
		return this.keyFile;
	}

	/** The certificate and its key as a PKCS12 store, e.g. as a client's trust store. */
	public Path keyStoreFile() {
		return this.keyStoreFile;
	}

	public char[] keyStorePassword() {
		return PASSWORD.clone();
	}

	/** A TLS context that trusts this certificate only. */
	public SSLContext trustingContext() throws GeneralSecurityException {
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(this.keyStore);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(der) + "\n-----END " + type + "-----\n";
	}

}
