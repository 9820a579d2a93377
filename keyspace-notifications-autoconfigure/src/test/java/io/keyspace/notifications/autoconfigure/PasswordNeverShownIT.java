package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.Backoff;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.NodeConnectionException;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.RecordingHandler;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ClientKillParams;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A real password, against a server that requires one, shows up in no {@code toString()},
 * no log line and no exception message: not while connecting, not on a rejected login, not
 * while reconnecting with a password the server no longer accepts, and not in the startup
 * failure report.
 */
@ExtendWith(OutputCaptureExtension.class)
class PasswordNeverShownIT {

	private static final String PASSWORD = "pw-" + UUID.randomUUID();

	private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();

	private static final String USER = "watcher";

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	@BeforeAll
	static void requirePasswords() {
		// Set after startup: the test infrastructure's readiness PING does not log in.
		try (Jedis jedis = redis.server().jedis()) {
			jedis.configSet("requirepass", PASSWORD);
		}
		try (Jedis admin = admin()) {
			admin.aclSetUser(USER, "on", ">" + PASSWORD, "allchannels", "+@pubsub", "+ping", "+client", "+hello",
					"+auth", "+select");
		}
	}

	@Test
	void connectingFailingAndReconnectingNeverShowThePassword() {
		RecordingHandler handler = new RecordingHandler();
		List<String> texts = new ArrayList<>();
		try (LogCapture logs = new LogCapture(Logger.ROOT_LOGGER_NAME, Level.DEBUG)) {
			ConnectionSettings settings = ConnectionSettings.builder()
				.username(USER)
				.password(PASSWORD)
				.healthCheckInterval(Duration.ofSeconds(1))
				.backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)))
				.build();
			try (StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(node(), settings,
					NotificationOptions.defaults())) {
				KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(
						notifications);
				notifications.subscribe(handler, new KeyspaceChannel("secret:*"));
				write("secret:1");
				handler.awaitNotification("secret:1", "set");

				// The server stops accepting the password, then drops us: every reconnect attempt is refused.
				try (Jedis admin = admin()) {
					admin.aclSetUser(USER, "resetpass", ">" + WRONG_PASSWORD);
					admin.clientKill(new ClientKillParams().user(USER));
				}
				await().atMost(Duration.ofSeconds(10))
					.until(() -> logs.everything().stream().anyMatch((line) -> line.contains("WRONGPASS")));
				try (Jedis admin = admin()) {
					admin.aclSetUser(USER, "resetpass", ">" + PASSWORD);
				}
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					write("secret:2");
					assertThat(handler.has("secret:2", "set")).isTrue();
				});
				texts.addAll(List.of(settings.toString(), notifications.toString(), container.toString(),
						notifications.options().toString(), notifications.metrics().toString()));
			}

			ConnectionSettings wrong = ConnectionSettings.builder(DefaultJedisClientConfig.builder()
				.credentialsProvider(() -> new DefaultRedisCredentials(USER, WRONG_PASSWORD))
				.build()).build();
			try (KeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(node(), wrong,
					NotificationOptions.defaults())) {
				Throwable failure = catchThrowable(
						() -> notifications.subscribe(handler, new KeyspaceChannel("secret:*")));
				assertThat(failure).isInstanceOf(NodeConnectionException.class).hasMessageContaining(node().toString());
				texts.add(chain(failure));
				texts.add(wrong.toString());
			}
			texts.addAll(logs.everything());
			assertThat(String.join("\n", logs.everything())).as("what was captured")
				.contains("Lost the keyspace subscriber connection")
				.contains("Reconnected the keyspace subscriber")
				.contains("WRONGPASS");
		}
		assertThat(texts).allSatisfy((text) -> assertThat(text).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD));
	}

	@Test
	void theStartupFailureReportForAWrongPasswordDoesNotShowIt(CapturedOutput output) {
		Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(OneHandlerApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + RedisServer.HOST, "--spring.data.redis.port=" + redis.server().port(),
					"--spring.data.redis.username=" + USER, "--spring.data.redis.password=" + WRONG_PASSWORD)
			.close());
		assertThat(failure).isNotNull();
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("Keyspace notifications cannot subscribe on Redis at " + node())
			.doesNotContain(WRONG_PASSWORD);
		assertThat(chain(failure)).doesNotContain(WRONG_PASSWORD);
	}

	@Test
	void aRightPasswordFromSpringPropertiesConnects() {
		try (var context = new SpringApplicationBuilder(OneHandlerApplication.class).web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + RedisServer.HOST, "--spring.data.redis.port=" + redis.server().port(),
					"--spring.data.redis.username=" + USER, "--spring.data.redis.password=" + PASSWORD)) {
			OneHandlerApplication handler = context.getBean(OneHandlerApplication.class);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				write("secret:spring");
				assertThat(handler.keys).contains("secret:spring");
			});
			assertThat(List.of(context.getBean(ConnectionSettings.class), context.getBean(KeyspaceNotifications.class),
					context.getBean(KeyspaceNotificationListenerContainer.class)))
				.allSatisfy((bean) -> assertThat(bean.toString()).doesNotContain(PASSWORD));
		}
	}

	private static String chain(Throwable failure) {
		StringBuilder text = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			text.append(cause).append('\n');
		}
		return text.toString();
	}

	private static RedisNode node() {
		return new RedisNode(RedisServer.HOST, redis.server().port());
	}

	private static Jedis admin() {
		Jedis admin = redis.server().jedis();
		admin.auth(PASSWORD);
		return admin;
	}

	private static void write(String key) {
		try (Jedis admin = admin()) {
			admin.set(key, "v");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OneHandlerApplication {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "secret:*")
		void onSecret(String key) {
			this.keys.add(key);
		}

	}

}
