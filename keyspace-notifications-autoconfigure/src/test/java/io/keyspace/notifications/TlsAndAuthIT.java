package io.keyspace.notifications;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.notifications.testing.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Notifications over TLS and with an ACL user, against a real redis-server. */
class TlsAndAuthIT {

	private static SelfSignedCertificate certificate;

	private static RedisServer server;

	private static int tlsPort;

	@BeforeAll
	static void start() throws Exception {
		Path dir = Files.createTempDirectory("keyspace-tls");
		certificate = SelfSignedCertificate.create(dir);
		try (ServerSocket socket = new ServerSocket(0)) {
			tlsPort = socket.getLocalPort();
		}
		server = RedisServer.builder()
			.config("notify-keyspace-events", "KEA")
			.config("tls-port", String.valueOf(tlsPort))
			.config("tls-cert-file", certificate.certificateFile().toString())
			.config("tls-key-file", certificate.keyFile().toString())
			.config("tls-ca-cert-file", certificate.certificateFile().toString())
			.config("tls-auth-clients", "no")
			.start();
		try (Jedis admin = server.jedis()) {
			admin.aclSetUser("watcher", "on", ">s3cret", "resetchannels", "&__keyspace@0__:secure:*", "+@pubsub", "+ping", "+select",
					"+client", "+hello", "+auth");
		}
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void subscribesOverTlsWithAnAclUser() throws Exception {
		ConnectionSettings settings = ConnectionSettings.builder()
			.ssl(true)
			.sslSocketFactory(certificate.trustingContext().getSocketFactory())
			.username("watcher")
			.password("s3cret")
			.clientName("tls-watcher")
			.build();
		RecordingHandler handler = new RecordingHandler();
		try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
				new RedisNode("127.0.0.1", tlsPort), settings, NotificationOptions.defaults())) {
			notifications.subscribe(handler, new KeyspaceChannel("secure:*"));
			try (Jedis writer = server.jedis()) {
				writer.set("secure:1", "v");
				assertThat(writer.clientList()).contains("name=tls-watcher").contains("user=watcher");
			}
			handler.awaitNotification("secure:1", "set");
		}
	}

	@Test
	void jedisSslOptionsCredentialsProviderAndHostMapperAreUsed() {
		SslOptions ssl = SslOptions.builder()
			.truststore(certificate.keyStoreFile().toFile(), certificate.keyStorePassword())
			.trustStoreType("PKCS12")
			.sslVerifyMode(SslVerifyMode.FULL)
			.build();
		ConnectionSettings settings = ConnectionSettings.builder()
			.clientConfig((client) -> client.ssl(true)
				.sslOptions(ssl)
				.credentialsProvider(() -> new DefaultRedisCredentials("watcher", "s3cret"))
				.hostAndPortMapper((address) -> new HostAndPort("127.0.0.1", tlsPort)))
			.build();
		RecordingHandler handler = new RecordingHandler();
		// Only the mapper knows where the server is.
		try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
				new RedisNode("redis.invalid", 1), settings, NotificationOptions.defaults())) {
			notifications.subscribe(handler, new KeyspaceChannel("secure:*"));
			try (Jedis writer = server.jedis()) {
				writer.set("secure:mapped", "v");
			}
			handler.awaitNotification("secure:mapped", "set");
		}
	}

	@Test
	void aChannelTheUserMayNotUseFailsAtOnceWithTheServersReason() throws Exception {
		ConnectionSettings settings = ConnectionSettings.builder()
			.ssl(true)
			.sslSocketFactory(certificate.trustingContext().getSocketFactory())
			.username("watcher")
			.password("s3cret")
			.commandTimeout(Duration.ofSeconds(30))
			.build();
		try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
				new RedisNode("127.0.0.1", tlsPort), settings, NotificationOptions.defaults())) {
			long start = System.nanoTime();
			assertThatExceptionOfType(NodeConnectionException.class)
				.isThrownBy(() -> notifications.subscribe(new RecordingHandler(), new KeyspaceChannel("other:*")))
				.withMessageContaining("127.0.0.1:" + tlsPort)
				.withMessageContaining("NOPERM")
				.withMessageContaining("ACL");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the 30 s command timeout")
				.isLessThan(Duration.ofSeconds(10));
			assertThat(notifications.isSubscribed()).isFalse();
		}
	}

	@Test
	void aWrongPasswordFailsNamingTheNode() throws Exception {
		ConnectionSettings settings = ConnectionSettings.builder()
			.ssl(true)
			.sslSocketFactory(certificate.trustingContext().getSocketFactory())
			.username("watcher")
			.password("wrong")
			.build();
		try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
				new RedisNode("127.0.0.1", tlsPort), settings, NotificationOptions.defaults())) {
			assertThatExceptionOfType(NodeConnectionException.class)
				.isThrownBy(() -> notifications.subscribe(new RecordingHandler(), new KeyspaceChannel("secure:*")))
				.withMessageContaining("127.0.0.1:" + tlsPort)
				.withMessageContaining("password");
		}
	}

	@Test
	void plainTextToATlsPortFailsInsteadOfHanging() throws IOException {
		ConnectionSettings settings = ConnectionSettings.builder()
			.commandTimeout(Duration.ofSeconds(1))
			.healthCheckInterval(Duration.ofSeconds(1))
			.build();
		try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(
				new RedisNode("127.0.0.1", tlsPort), settings, NotificationOptions.defaults())) {
			assertThatExceptionOfType(NodeConnectionException.class)
				.isThrownBy(() -> notifications.subscribe(new RecordingHandler(), new KeyspaceChannel("secure:*")))
				.withMessageContaining("127.0.0.1:" + tlsPort);
		}
	}

}
