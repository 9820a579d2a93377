package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.actuate.KeyspaceNotificationsHealthIndicator;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.internal.config.ServerConfigCheck;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code keyspace-notifications.server-config} against real servers: what VERIFY reports,
 * what APPLY changes (also after a restart, which forgets a CONFIG SET), what a user without
 * {@code +config} gets, and that NONE sends no CONFIG command at all.
 */
class ServerConfigIT {

	/**
	 * Exactly what a reader needs, and no CONFIG, CLUSTER or SELECT. {@code &__key*} lets it
	 * SUBSCRIBE to every exact keyspace channel; a PSUBSCRIBE pattern would have to be listed
	 * literally.
	 */
	static final String[] LEAST_PRIVILEGE_USER = { "reader", "on", ">s3cret", "resetchannels", "&__key*", "-@all",
			"+subscribe", "+psubscribe", "+unsubscribe", "+punsubscribe", "+ping" };

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** The periodic check's interval where a test waits for it: short, so the test is too. */
	private static final Duration RECHECK = Duration.ofMillis(200);

	@Test
	void applyTurnsNotificationsOnAndAgainAfterTheServerRestartsWithoutThem() {
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "").start();
				LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				StandaloneKeyspaceNotifications notifications = notifications(server, FAST_RECONNECT,
						ServerConfigMode.APPLY);
				Jedis writer = server.jedis()) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyeventChannel(EventType.SET));

			await().atMost(WAIT).until(() -> notifyKeyspaceEvents(server), "$E"::equals);
			writer.set("before-restart", "v");
			handler.awaitNotification("before-restart", EventType.SET);

			server.stop();
			server.start();
			assertThat(notifyKeyspaceEvents(server)).as("a restart forgets CONFIG SET").isEmpty();
			await().atMost(WAIT).until(() -> notifyKeyspaceEvents(server), "$E"::equals);
			try (Jedis afterRestart = server.jedis()) {
				afterRestart.set("after-restart", "v");
			}
			handler.awaitNotification("after-restart", EventType.SET);

			assertThat(log.messages(Level.INFO)).hasSize(2)
				.allSatisfy((line) -> assertThat(line).contains(server.hostAndPort()).contains("from '' to '$E'"));
			assertThat(log.messages(Level.WARN)).isEmpty();
		}
	}

	@Test
	void verifyWarnsOnceNamingTheNodeAndTheConfigSetThatFixesIt() {
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "").start();
				LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				StandaloneKeyspaceNotifications notifications = notifications(server, FAST_RECONNECT,
						ServerConfigMode.VERIFY)) {
			KeyspaceChannel sessions = new KeyspaceChannel("session:*");
			notifications.subscribe(
					new FilteredHandler(KeyNotificationFilter.events(EventType.EXPIRED), new RecordingHandler()),
					sessions);
			await().atMost(WAIT).until(() -> log.messages(Level.WARN).size() == 1);
			assertThat(log.messages(Level.WARN).get(0)).contains("Redis at " + server.hostAndPort())
				.contains("notify-keyspace-events is '' and lacks 'xK'")
				.contains("CONFIG SET notify-keyspace-events 'xK'");

			server.stop();
			server.start();
			await().atMost(WAIT).until(() -> notifications.metrics().disconnects() == 1
					&& notifications.serverSubscriptions().get(node(server)).contains(sessions.toString()));
			// The reconnect's check was queued first on the one scheduler thread; this one runs after it.
			notifications.subscribe(new RecordingHandler(), new KeyeventChannel(EventType.DEL));
			await().atMost(WAIT).until(() -> log.messages(Level.WARN).size() >= 2);

			assertThat(log.messages(Level.WARN)).as("the unchanged problem after the restart is not repeated")
				.hasSize(2)
				.last()
				.asString()
				.contains("lacks 'gxKE'")
				.contains("CONFIG SET notify-keyspace-events 'gxKE'");
			assertThat(notifyKeyspaceEvents(server)).as("VERIFY never changes the server").isEmpty();
			assertThat(log.messages(Level.INFO)).isEmpty();
		}
	}

	@Test
	void verifyReportsFlagsRemovedWhileSubscribedWithinTheCheckIntervalAndClearsThemWhenRestored() {
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "KEA").start();
				LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(node(server),
						FAST_RECONNECT, NotificationOptions.builder()
							.serverConfig(ServerConfigMode.VERIFY)
							.serverConfigCheckInterval(RECHECK)
							.build());
				Jedis admin = server.jedis()) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyspaceChannel("k:*"));
			KeyspaceNotificationsHealthIndicator health = new KeyspaceNotificationsHealthIndicator(notifications, null);

			admin.configSet("notify-keyspace-events", "");

			await().atMost(WAIT).until(() -> missingFlags(notifications), "AK"::equals);
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("Redis at " + server.hostAndPort() + " no longer publishes")
				.contains("lacks 'AK'")
				.contains("on __keyspace@0__:k:*")
				.contains("CONFIG SET notify-keyspace-events 'AK'");
			Health reported = health.health(true);
			assertThat(reported.getStatus()).as("the connection is fine").isEqualTo(Status.UP);
			assertThat(reported.getDetails()).extractingByKey("nodes")
				.asString()
				.contains(server.hostAndPort())
				.contains("missingFlags=AK");
			long getsAfterWarning = Long.parseLong(commandCalls(server, "config|get"));
			await().atMost(WAIT).until(() -> Long.parseLong(commandCalls(server, "config|get")) >= getsAfterWarning + 3);
			assertThat(log.messages(Level.WARN)).as("once per change, not per check").hasSize(1);
			assertThat(notifyKeyspaceEvents(server)).as("VERIFY never changes the server").isEmpty();

			admin.configSet("notify-keyspace-events", "KEA");

			await().atMost(WAIT).until(() -> missingFlags(notifications).isEmpty());
			assertThat(log.messages(Level.INFO)).singleElement()
				.asString()
				.contains("Redis at " + server.hostAndPort() + " publishes every keyspace notification subscribed here again");
			assertThat(health.health(true).getDetails()).extractingByKey("nodes").asString().doesNotContain("missingFlags");
			admin.set("k:after", "v");
			handler.awaitNotification("k:after", EventType.SET);
		}
	}

	@Test
	void applySetsFlagsRemovedWhileSubscribedAgainWithinTheCheckInterval() {
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "").start();
				LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				StandaloneKeyspaceNotifications notifications = new StandaloneKeyspaceNotifications(node(server),
						FAST_RECONNECT, NotificationOptions.builder()
							.serverConfig(ServerConfigMode.APPLY)
							.serverConfigCheckInterval(RECHECK)
							.build());
				Jedis admin = server.jedis()) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyeventChannel(EventType.SET));
			await().atMost(WAIT).until(() -> notifyKeyspaceEvents(server), "$E"::equals);

			admin.configSet("notify-keyspace-events", "K$");

			await().atMost(WAIT).until(() -> notifyKeyspaceEvents(server), "$KE"::equals);
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("notify-keyspace-events on " + server.hostAndPort() + " had been changed to '$K'")
				.contains("lacks 'E'")
				.contains("set it to '$KE' again")
				.contains("Notifications on __keyevent@0__:set published meanwhile were lost");
			assertThat(log.messages(Level.INFO)).as("the first CONFIG SET, at subscribe").hasSize(1);
			assertThat(missingFlags(notifications)).isEmpty();
			admin.set("after", "v");
			handler.awaitNotification("after", EventType.SET);
		}
	}

	@Test
	void aUserWithoutConfigPermissionGetsOneInfoAndStillReceivesEvents() {
		try (RedisServer server = RedisServer.builder()
			.config("notify-keyspace-events", "KEA")
			.config("user", LEAST_PRIVILEGE_USER)
			.start();
				LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				StandaloneKeyspaceNotifications notifications = notifications(server, leastPrivilege(),
						ServerConfigMode.APPLY);
				Jedis writer = server.jedis()) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyspaceChannel("k:1"), new KeyspaceChannel("k:2"));
			writer.set("k:1", "v");
			handler.awaitNotification("k:1", EventType.SET);
			await().atMost(WAIT).until(() -> !log.messages(Level.INFO).isEmpty());

			server.stop();
			server.start();
			await().atMost(WAIT).until(() -> notifications.metrics().disconnects() == 1
					&& !notifications.serverSubscriptions().get(node(server)).isEmpty());
			notifications.subscribe(handler, new KeyeventChannel(EventType.EXPIRED)); // a second check, after the reconnect's
			try (Jedis afterRestart = server.jedis()) {
				afterRestart.set("k:2", "v");
			}
			handler.awaitNotification("k:2", EventType.SET);
			// The restarted server counts the refused CONFIG GET of the second check.
			await().atMost(WAIT).until(() -> !commandCalls(server, "config|get").equals("0"));

			assertThat(log.messages(Level.INFO)).singleElement()
				.asString()
				.contains("Cannot check notify-keyspace-events on " + server.hostAndPort())
				.contains("NOPERM")
				.contains("keyspace-notifications.server-config=none");
			assertThat(log.messages(Level.WARN)).isEmpty();
		}
	}

	@Test
	void aLeastPrivilegeUserReadsAnotherDatabaseWithoutSelect() {
		try (RedisServer server = RedisServer.builder()
			.config("notify-keyspace-events", "KEA")
			.config("user", LEAST_PRIVILEGE_USER)
			.start();
				LogCapture readerLog = new LogCapture(NodeSubscriber.class, Level.WARN);
				StandaloneKeyspaceNotifications notifications = notifications(server,
						ConnectionSettings.builder().username("reader").password("s3cret").database(1).build(),
						ServerConfigMode.NONE);
				Jedis writer = server.jedis()) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyspaceChannel("k:1", 1), new KeyeventChannel(EventType.DEL, 1));
			writer.select(1);
			writer.set("k:1", "v");
			writer.del("k:1");
			handler.awaitNotification("k:1", EventType.SET).awaitNotification("k:1", EventType.DEL);
			assertThat(handler.received()).extracting(KeyNotification::database).containsOnly(1);
			assertThat(readerLog.everything()).isEmpty();
			assertThat(writer.aclLog()).as("nothing the reader sent was refused").isEmpty();
		}
	}

	@Test
	void noneSendsNoConfigCommandWhereVerifySendsOne() {
		try (RedisServer server = RedisServer.builder().config("notify-keyspace-events", "KEA").start();
				Jedis writer = server.jedis()) {
			for (ServerConfigMode mode : List.of(ServerConfigMode.VERIFY, ServerConfigMode.NONE)) {
				writer.configResetStat();
				try (StandaloneKeyspaceNotifications notifications = notifications(server, FAST_RECONNECT, mode)) {
					RecordingHandler handler = new RecordingHandler();
					notifications.subscribe(handler, new KeyspaceChannel("k:*"));
					writer.set("k:" + mode, "v");
					handler.awaitNotification("k:" + mode, EventType.SET);
					if (mode == ServerConfigMode.VERIFY) {
						// Shows that the measure sees the check: VERIFY's CONFIG GET is counted.
						await().atMost(WAIT).until(() -> !commandCalls(server, "config|get").equals("0"));
					}
				}
				if (mode == ServerConfigMode.NONE) {
					assertThat(commandStats(writer)).doesNotContain("cmdstat_config|get").doesNotContain("cmdstat_config|set");
				}
			}
		}
	}

	private static StandaloneKeyspaceNotifications notifications(RedisServer server, ConnectionSettings settings,
			ServerConfigMode mode) {
		return new StandaloneKeyspaceNotifications(node(server), settings,
				NotificationOptions.builder().serverConfig(mode).build());
	}

	private static ConnectionSettings leastPrivilege() {
		return ConnectionSettings.builder()
			.username("reader")
			.password("s3cret")
			.backoff(FAST_RECONNECT.backoff())
			.healthCheckInterval(FAST_RECONNECT.healthCheckInterval())
			.build();
	}

	/** What the one node's last check found missing, as the API shows it. */
	private static String missingFlags(KeyspaceNotifications notifications) {
		return notifications.nodes().get(0).missingFlags();
	}

	private static RedisNode node(RedisServer server) {
		return new RedisNode(server.host(), server.port());
	}

	private static String notifyKeyspaceEvents(RedisServer server) {
		try (Jedis admin = server.jedis()) {
			return admin.configGet("notify-keyspace-events").get("notify-keyspace-events");
		}
	}

	/** Calls of a command, plus those the ACL rejected ({@code rejected_calls}), per INFO commandstats. */
	private static String commandCalls(RedisServer server, String command) {
		try (Jedis admin = server.jedis()) {
			String stats = commandStats(admin);
			int start = stats.indexOf("cmdstat_" + command + ":");
			if (start < 0) {
				return "0";
			}
			String line = stats.substring(start, stats.indexOf('\n', start)).trim();
			long calls = field(line, "calls=") + field(line, "rejected_calls=");
			return Long.toString(calls);
		}
	}

	private static long field(String line, String name) {
		int start = line.indexOf(name);
		if (start < 0) {
			return 0;
		}
		start += name.length();
		int end = start;
		while (end < line.length() && Character.isDigit(line.charAt(end))) {
			end++;
		}
		return Long.parseLong(line.substring(start, end));
	}

	private static String commandStats(Jedis jedis) {
		return jedis.info("commandstats");
	}

}
