package io.keyspace.notifications.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.MasterReplicaKeyspaceNotifications;
import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.SentinelKeyspaceNotifications;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.annotation.InvalidOnKeyEventException;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.annotation.OnKeyEventEndpointFactory;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.JedisClientConfig;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Which notifications bean each {@code spring.data.redis.*} setup gets, and the properties
 * that choose the node read and how often the topology is re-read. Nothing here subscribes
 * (auto-startup is off wherever a handler is registered), so no server is needed. Spring's
 * own Jedis connection factory would connect to Sentinel eagerly, and refuses master/replica,
 * so a stand-in takes its place.
 */
class RedisSetupAutoConfigurationTest {

	private static final String SENTINEL = "spring.data.redis.sentinel.master=mymaster";

	private static final String SENTINEL_NODES = "spring.data.redis.sentinel.nodes=10.0.0.1:26379,10.0.0.2:26380";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class))
		.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class));

	@Test
	void sentinelPropertiesGiveSentinelNotificationsForTheMasterTheyName() {
		this.runner
			.withPropertyValues(SENTINEL, SENTINEL_NODES, "spring.data.redis.username=app",
					"spring.data.redis.password=data-secret", "spring.data.redis.database=3",
					"spring.data.redis.sentinel.username=watcher", "spring.data.redis.sentinel.password=sentinel-secret",
					"keyspace-notifications.read-from=replica-preferred",
					"keyspace-notifications.topology-refresh-interval=2s")
			.run((context) -> {
				SentinelKeyspaceNotifications notifications = context.getBean(SentinelKeyspaceNotifications.class);
				assertThat(notifications.masterName()).isEqualTo("mymaster");
				assertThat(notifications.sentinels()).containsExactly(new RedisNode("10.0.0.1", 26379),
						new RedisNode("10.0.0.2", 26380));
				assertThat(notifications.master()).as("no sentinel asked before a subscription").isEmpty();
				assertThat(notifications.refreshInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(notifications.options().readFrom()).isEqualTo(ReadFrom.REPLICA_PREFERRED);
				ConnectionSettings data = notifications.connectionSettings();
				assertThat(data).isSameAs(context.getBean(ConnectionSettings.class));
				assertThat(data.clientConfig().getCredentialsProvider().get().getUser()).isEqualTo("app");
				assertThat(data.clientConfig().getCredentialsProvider().get().getPassword())
					.isEqualTo("data-secret".toCharArray());
				assertThat(data.database()).isEqualTo(3);
				assertThat(context.getBean(OnKeyEventEndpointFactory.class)
					.create(attributes("k"), (n) -> {
					})
					.channels()).singleElement().satisfies((channel) -> assertThat(channel.db()).isEqualTo(3));
				assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).readFrom())
					.isEqualTo(ReadFrom.REPLICA_PREFERRED);
				assertThat(notifications.toString()).doesNotContain("secret");
			});
	}

	@Test
	void aRedisSentinelConfigurationBeanWinsOverThePropertiesAsForSpringBootsConnection() {
		this.runner.withPropertyValues("spring.data.redis.host=ignored.example", "spring.data.redis.password=props-secret")
			.withBean(RedisSentinelConfiguration.class, () -> {
				RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration("bean-master",
						Set.of("10.0.0.5:26379"));
				sentinel.setUsername("app");
				sentinel.setPassword("data-secret");
				sentinel.setSentinelPassword("sentinel-secret");
				sentinel.setDatabase(2);
				return sentinel;
			})
			.run((context) -> {
				SentinelKeyspaceNotifications notifications = context.getBean(SentinelKeyspaceNotifications.class);
				assertThat(notifications.masterName()).isEqualTo("bean-master");
				assertThat(notifications.sentinels()).containsExactly(new RedisNode("10.0.0.5", 26379));
				ConnectionSettings data = notifications.connectionSettings();
				assertThat(data.clientConfig().getCredentialsProvider().get().getUser()).isEqualTo("app");
				assertThat(data.clientConfig().getCredentialsProvider().get().getPassword())
					.isEqualTo("data-secret".toCharArray());
				assertThat(data.database()).isEqualTo(2);
				assertThat(notifications.sentinelSettings().clientConfig().getCredentialsProvider().get().getPassword())
					.isEqualTo("sentinel-secret".toCharArray());
				assertThat(context.getBean(OnKeyEventEndpointFactory.class)
					.create(attributes("k"), (n) -> {
					})
					.channels()).singleElement().satisfies((channel) -> assertThat(channel.db()).isEqualTo(2));
				assertThat(notifications.toString()).doesNotContain("secret");
			});
	}

	@Test
	void sentinelsAreReachedWithTheirOwnCredentialsAndTheDataNodesTls() {
		this.runner
			.withPropertyValues(SENTINEL, SENTINEL_NODES, "spring.data.redis.password=data-secret",
					"spring.data.redis.ssl.enabled=true", "spring.data.redis.client-name=orders",
					"spring.data.redis.sentinel.username=watcher", "spring.data.redis.sentinel.password=sentinel-secret")
			.run((context) -> {
				ConnectionSettings data = context.getBean(ConnectionSettings.class);
				ConnectionSettings sentinels = KeyspaceNotificationsSettings.sentinelConnection(data,
						context.getBean(DataRedisConnectionDetails.class)
							.getSentinel());
				JedisClientConfig client = sentinels.clientConfig();
				assertThat(client.getCredentialsProvider().get().getUser()).isEqualTo("watcher");
				assertThat(client.getCredentialsProvider().get().getPassword())
					.isEqualTo("sentinel-secret".toCharArray());
				assertThat(client.isSsl()).isTrue();
				assertThat(client.getSslSocketFactory()).isSameAs(data.clientConfig().getSslSocketFactory());
				assertThat(client.getClientName()).isEqualTo("orders");
				assertThat(sentinels.commandTimeout()).isEqualTo(data.commandTimeout());
				assertThat(sentinels.healthCheckInterval()).isEqualTo(data.healthCheckInterval());
				assertThat(sentinels.backoff()).isEqualTo(data.backoff());
				assertThat(data.clientConfig().getCredentialsProvider().get().getPassword())
					.as("the data nodes keep theirs")
					.isEqualTo("data-secret".toCharArray());
			});
	}

	@Test
	void sentinelsWithoutCredentialsGetNoneEvenWhenTheDataNodesHaveSome() {
		this.runner.withPropertyValues(SENTINEL, SENTINEL_NODES, "spring.data.redis.username=app",
				"spring.data.redis.password=data-secret")
			.run((context) -> {
				ConnectionSettings sentinels = KeyspaceNotificationsSettings.sentinelConnection(
						context.getBean(ConnectionSettings.class),
						context.getBean(DataRedisConnectionDetails.class)
							.getSentinel());
				assertThat(sentinels.clientConfig().getCredentialsProvider().get().getUser()).isNull();
				assertThat(sentinels.clientConfig().getCredentialsProvider().get().getPassword()).isNull();
			});
	}

	@Test
	void sentinelWinsOverClusterAsInSpringBoot() {
		this.runner.withPropertyValues(SENTINEL, SENTINEL_NODES, "spring.data.redis.cluster.nodes=10.0.0.9:7000",
				"spring.data.redis.masterreplica.nodes=10.0.0.8:6379")
			.run((context) -> assertThat(context).hasSingleBean(SentinelKeyspaceNotifications.class));
	}

	@Test
	void clusterWinsOverMasterReplicaAsInSpringBoot() {
		this.runner
			.withPropertyValues("spring.data.redis.cluster.nodes=10.0.0.9:7000",
					"spring.data.redis.masterreplica.nodes=10.0.0.8:6379")
			.run((context) -> assertThat(context).hasSingleBean(ClusterKeyspaceNotifications.class));
	}

	@ParameterizedTest
	@CsvSource({ "spring.data.redis.sentinel.master=mymaster, spring.data.redis.sentinel.nodes",
			"spring.data.redis.masterreplica.nodes=, spring.data.redis.masterreplica.nodes" })
	void aSetupWithoutNodesFailsNamingTheProperty(String setup, String property) {
		this.runner.withPropertyValues(setup)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(property);
					assertThat(ex.getReason()).isEqualTo("must list at least one host:port");
				}));
	}

	@Test
	void masterReplicaNodesGiveMasterReplicaNotificationsOnDatabaseZeroAsInSpringBoot() {
		this.runner
			.withPropertyValues("spring.data.redis.masterreplica.nodes=10.0.0.1:6379,10.0.0.2:6380",
					"spring.data.redis.database=2", "keyspace-notifications.read-from=replica")
			.run((context) -> {
				MasterReplicaKeyspaceNotifications notifications = context
					.getBean(MasterReplicaKeyspaceNotifications.class);
				assertThat(notifications.configuredNodes()).containsExactly(new RedisNode("10.0.0.1", 6379),
						new RedisNode("10.0.0.2", 6380));
				assertThat(notifications.refreshInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(notifications.options().readFrom()).isEqualTo(ReadFrom.REPLICA);
				assertThat(notifications.connectionSettings().database()).isZero();
				assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).readFrom())
					.isEqualTo(ReadFrom.REPLICA);
			});
	}

	@ParameterizedTest
	@CsvSource({ "primary, PRIMARY", "replica, REPLICA", "replica-preferred, REPLICA_PREFERRED",
			"REPLICA_PREFERRED, REPLICA_PREFERRED" })
	void readFromIsBound(String value, ReadFrom expected) {
		this.runner
			.withPropertyValues("spring.data.redis.cluster.nodes=10.0.0.1:7000",
					"keyspace-notifications.read-from=" + value)
			.run((context) -> assertThat(context.getBean(ClusterKeyspaceNotifications.class).options().readFrom())
				.isEqualTo(expected));
	}

	@Test
	void readFromIsPrimaryByDefault() {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=10.0.0.1:7000")
			.run((context) -> assertThat(context.getBean(ClusterKeyspaceNotifications.class).options().readFrom())
				.isEqualTo(ReadFrom.PRIMARY));
	}

	@Test
	void anUnknownReadFromFailsNamingThePropertyAndTheValue() {
		this.runner.withPropertyValues("keyspace-notifications.read-from=secondary")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("keyspace-notifications.read-from")
				.rootCause()
				.hasMessageContaining("secondary")
				.hasMessageContaining("ReadFrom"));
	}

	@Test
	void readFromOtherThanPrimaryIsIgnoredWithAWarningForAStandaloneServer() {
		try (LogCapture log = new LogCapture(KeyspaceNotificationsFactory.class, Level.WARN)) {
			this.runner
				.withPropertyValues("spring.data.redis.host=redis.example", "keyspace-notifications.read-from=replica")
				.run((context) -> {
					assertThat(context).hasSingleBean(StandaloneKeyspaceNotifications.class);
					assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).readFrom())
						.isEqualTo(ReadFrom.PRIMARY);
				});
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("keyspace-notifications.read-from=replica is ignored")
				.contains("redis.example:6379")
				.contains("spring.data.redis.sentinel.*");
		}
	}

	@Test
	void noWarningForAStandaloneServerReadFromItsPrimary() {
		try (LogCapture log = new LogCapture(KeyspaceNotificationsFactory.class, Level.WARN)) {
			this.runner.run((context) -> assertThat(context).hasSingleBean(StandaloneKeyspaceNotifications.class));
			assertThat(log.messages(Level.WARN)).isEmpty();
		}
	}

	@Test
	void theDeprecatedClusterRefreshIntervalStillWorksWithAWarning() {
		try (LogCapture log = new LogCapture(KeyspaceNotificationsSettings.class, Level.WARN)) {
			this.runner
				.withPropertyValues("spring.data.redis.cluster.nodes=10.0.0.1:7000",
						"keyspace-notifications.cluster.refresh-interval=7s")
				.run((context) -> assertThat(context.getBean(ClusterKeyspaceNotifications.class).refreshInterval())
					.isEqualTo(Duration.ofSeconds(7)));
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("keyspace-notifications.cluster.refresh-interval is deprecated")
				.contains("rename it to keyspace-notifications.topology-refresh-interval");
		}
	}

	@Test
	void topologyRefreshIntervalWinsOverTheDeprecatedOne() {
		try (LogCapture log = new LogCapture(KeyspaceNotificationsSettings.class, Level.WARN)) {
			this.runner
				.withPropertyValues("spring.data.redis.masterreplica.nodes=10.0.0.1:6379",
						"keyspace-notifications.cluster.refresh-interval=7s",
						"keyspace-notifications.topology-refresh-interval=3s")
				.run((context) -> assertThat(
						context.getBean(MasterReplicaKeyspaceNotifications.class).refreshInterval())
					.isEqualTo(Duration.ofSeconds(3)));
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("keyspace-notifications.cluster.refresh-interval is deprecated and ignored");
		}
	}

	@ParameterizedTest
	@CsvSource({ "keyspace-notifications.topology-refresh-interval, 0s", "keyspace-notifications.topology-refresh-interval, -1s",
			"keyspace-notifications.cluster.refresh-interval, 0s" })
	void aRefreshIntervalThatIsNotPositiveFailsNamingTheProperty(String property, String value) {
		this.runner.withPropertyValues(SENTINEL, SENTINEL_NODES, property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(property);
					assertThat(ex.getReason()).isEqualTo("must be a positive duration");
				}));
	}

	@Test
	void theMetadataShowsTheNewPropertiesAndTheDeprecation() throws IOException {
		String metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertThat(entry(metadata, "topology-refresh-interval")).contains("\"description\"")
			.contains("\"defaultValue\": \"5s\"");
		assertThat(entry(metadata, "read-from")).contains("\"description\"")
			.contains("\"defaultValue\": \"primary\"")
			.contains("\"type\": \"io.keyspace.notifications.ReadFrom\"");
		assertThat(entry(metadata, "cluster.refresh-interval")).contains("\"description\"")
			.contains("\"deprecated\": true")
			.contains("\"replacement\": \"keyspace-notifications.topology-refresh-interval\"");
	}

	@ParameterizedTest
	@CsvSource({ "ExpiryHandlers, Sessions#onEnd, 'expired'", "EvictionGlobHandlers, Caches#onGone, 'evicted'" })
	void aHandlerForExpiriesFailsStartupWithReadFromReplica(String configuration, String handler, String event)
			throws ClassNotFoundException {
		this.runner.withUserConfiguration(Class.forName(getClass().getName() + "$" + configuration))
			.withPropertyValues(SENTINEL, SENTINEL_NODES, "keyspace-notifications.read-from=replica",
					"keyspace-notifications.auto-startup=false")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(InvalidOnKeyEventException.class);
				FailureAnalysis analysis = new InvalidOnKeyEventFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).startsWith("The @OnKeyEvent method " + handler + " cannot be used")
					.contains("it listens for " + event)
					.contains("keyspace-notifications.read-from is replica")
					.contains("a replica never publishes " + event + ": it applies the primary's del instead");
				assertThat(analysis.getAction()).startsWith("Set keyspace-notifications.read-from=primary")
					.contains("only while no replica is reachable");
			});
	}

	@Test
	void aHandlerForEveryEventStartsWithReadFromReplica() {
		this.runner.withUserConfiguration(CatchAllHandlers.class)
			.withPropertyValues(SENTINEL, SENTINEL_NODES, "keyspace-notifications.read-from=replica",
					"keyspace-notifications.auto-startup=false")
			.run((context) -> assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).endpointIds())
				.containsExactly("Everything#onAny", "Everything#onAll"));
	}

	@Test
	void aHandlerForExpiriesStartsWithAWarningWithReadFromReplicaPreferred() {
		try (LogCapture log = new LogCapture("io.keyspace.notifications.annotation", Level.WARN)) {
			this.runner.withUserConfiguration(ExpiryHandlers.class)
				.withPropertyValues(SENTINEL, SENTINEL_NODES, "keyspace-notifications.read-from=replica-preferred",
						"keyspace-notifications.auto-startup=false")
				.run((context) -> assertThat(context).hasNotFailed());
			assertThat(log.messages(Level.WARN)).singleElement()
				.asString()
				.contains("Sessions#onEnd listens for expired");
		}
	}

	private static String entry(String metadata, String property) {
		String entry = metadata.substring(metadata.indexOf("\"name\": \"keyspace-notifications." + property + "\""));
		return entry.substring(0, entry.indexOf('}'));
	}

	private static OnKeyEventEndpointFactory.Attributes attributes(String key) {
		return new OnKeyEventEndpointFactory.Attributes("B#m", List.of(key), List.of(),
				new ChannelType[0], "", "", "");
	}

	@Configuration(proxyBeanMethods = false)
	static class ExpiryHandlers {

		@Bean
		Sessions sessions() {
			return new Sessions();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EvictionGlobHandlers {

		@Bean
		Caches caches() {
			return new Caches();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CatchAllHandlers {

		@Bean
		Everything everything() {
			return new Everything();
		}

	}

	static class Sessions {

		@OnKeyEvent(key = "session:*", event = "expired")
		void onEnd(String key) {
		}

	}

	static class Caches {

		@OnKeyEvent(event = "evi*")
		void onGone(String key) {
		}

	}

	static class Everything {

		@OnKeyEvent(key = "session:*")
		void onAny(String key) {
		}

		@OnKeyEvent(event = "*")
		void onAll(String key) {
		}

	}

}
