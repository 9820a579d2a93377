package io.keyspace.notifications.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.keyspace.notifications.ChannelType;
import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.OverflowPolicy;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.ResyncSettings;
import io.keyspace.notifications.ServerConfigMode;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEventBeanPostProcessor;
import io.keyspace.notifications.annotation.OnKeyEventEndpointFactory;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.listener.HandlerDecorator;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.HostAndPortMapper;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisCredentials;
import redis.clients.jedis.RedisProtocol;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The auto-configuration's wiring. Nothing here subscribes, so no Redis server is needed:
 * a notifications bean connects on its first subscription.
 */
class KeyspaceNotificationsAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class));

	@Test
	void createsTheBeansForAStandaloneServer() {
		this.runner.withPropertyValues("spring.data.redis.host=redis.example", "spring.data.redis.port=6390")
			.run((context) -> {
				assertThat(context).hasSingleBean(StandaloneKeyspaceNotifications.class)
					.hasSingleBean(KeyspaceNotificationListenerContainer.class)
					.hasSingleBean(OnKeyEventBeanPostProcessor.class)
					.hasSingleBean(OnKeyEventEndpointFactory.class)
					.hasSingleBean(NotificationErrorHandler.class);
				assertThat(context.getBean(StandaloneKeyspaceNotifications.class).node())
					.isEqualTo(new RedisNode("redis.example", 6390));
				assertThat(context.getBean(StandaloneKeyspaceNotifications.class).options().serverConfig())
					.isEqualTo(ServerConfigMode.VERIFY);
				assertThat(context.getBean(StandaloneKeyspaceNotifications.class).options().serverConfigCheckInterval())
					.isEqualTo(Duration.ofSeconds(30));
			});
	}

	@Test
	void bindsTheServerConfigCheckIntervalZeroIncluded() {
		this.runner.withPropertyValues("keyspace-notifications.server-config-check-interval=250ms")
			.run((context) -> assertThat(
					context.getBean(StandaloneKeyspaceNotifications.class).options().serverConfigCheckInterval())
				.isEqualTo(Duration.ofMillis(250)));
		this.runner.withPropertyValues("keyspace-notifications.server-config-check-interval=0")
			.run((context) -> assertThat(
					context.getBean(StandaloneKeyspaceNotifications.class).options().serverConfigCheckInterval())
				.as("0 turns the periodic check off, it is no error")
				.isZero());
	}

	@Test
	void reusesTheApplicationsRedisConnectionSettings() {
		this.runner
			.withPropertyValues("spring.data.redis.url=redis://alice:secret@redis.example:6391/4",
					"spring.data.redis.client-name=orders", "spring.data.redis.timeout=3s",
					"spring.data.redis.connect-timeout=750ms", "spring.data.redis.ssl.enabled=true")
			.run((context) -> {
				StandaloneKeyspaceNotifications notifications = context.getBean(StandaloneKeyspaceNotifications.class);
				assertThat(notifications.node()).isEqualTo(new RedisNode("redis.example", 6391));
				ConnectionSettings settings = notifications.connectionSettings();
				assertThat(settings).isSameAs(context.getBean(ConnectionSettings.class));
				JedisClientConfig client = settings.clientConfig();
				assertThat(client.getCredentialsProvider().get().getUser()).isEqualTo("alice");
				assertThat(client.getCredentialsProvider().get().getPassword()).isEqualTo("secret".toCharArray());
				assertThat(settings.database()).isEqualTo(4);
				assertThat(settings.jedisConfig(Duration.ofSeconds(1)).getDatabase())
					.as("no SELECT on the library's connections: channels name their database")
					.isZero();
				assertThat(client.getClientName()).isEqualTo("orders");
				assertThat(settings.commandTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(client.isSsl()).isTrue();
				assertThat(client.getSslSocketFactory()).isNotNull();
				assertThat(settings.toString()).doesNotContain("secret").doesNotContain("alice");
			});
	}

	@Test
	void customizersAdjustTheJedisClientConfigInOrderAndKeepWhatTheyDoNotTouch() {
		HostAndPortMapper mapper = (address) -> new HostAndPort("10.1.1.1", address.getPort());
		Supplier<RedisCredentials> credentials = () -> new DefaultRedisCredentials("token-user", "token");
		this.runner
			.withPropertyValues("spring.data.redis.host=redis.example", "spring.data.redis.password=secret",
					"spring.data.redis.client-name=orders")
			.withBean("second", KeyspaceNotificationsClientConfigCustomizer.class,
					() -> new OrderedCustomizer(2, (builder) -> builder.credentialsProvider(credentials)))
			.withBean("first", KeyspaceNotificationsClientConfigCustomizer.class,
					() -> new OrderedCustomizer(1, (builder) -> builder.hostAndPortMapper(mapper)
						.credentialsProvider(() -> new DefaultRedisCredentials("overridden", "x"))))
			.run((context) -> {
				JedisClientConfig client = context.getBean(ConnectionSettings.class).clientConfig();
				assertThat(client.getHostAndPortMapper()).isSameAs(mapper);
				assertThat(client.getCredentialsProvider()).isSameAs(credentials);
				assertThat(client.getClientName()).isEqualTo("orders");
				JedisClientConfig subscriber = context.getBean(ConnectionSettings.class).jedisConfig(Duration.ofSeconds(1));
				assertThat(subscriber.getHostAndPortMapper()).isSameAs(mapper);
				assertThat(subscriber.getCredentialsProvider()).isSameAs(credentials);
				assertThat(subscriber.getRedisProtocol()).isEqualTo(RedisProtocol.RESP2);
			});
	}

	@Test
	void aUserDefinedConnectionSettingsBeanIsUsed() {
		ConnectionSettings own = ConnectionSettings.builder().commandTimeout(Duration.ofSeconds(9)).build();
		this.runner.withBean(ConnectionSettings.class, () -> own)
			.run((context) -> assertThat(context.getBean(StandaloneKeyspaceNotifications.class).connectionSettings())
				.isSameAs(own));
	}

	private record OrderedCustomizer(int order, KeyspaceNotificationsClientConfigCustomizer delegate)
			implements KeyspaceNotificationsClientConfigCustomizer, Ordered {

		@Override
		public void customize(DefaultJedisClientConfig.Builder builder) {
			this.delegate.customize(builder);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	@Test
	void bindsItsOwnProperties() {
		this.runner
			.withPropertyValues("keyspace-notifications.key-prefix=app1:", "keyspace-notifications.health-check-interval=2s",
					"keyspace-notifications.reconnect.initial-backoff=10ms", "keyspace-notifications.reconnect.max-backoff=1s",
					"keyspace-notifications.dispatch.concurrency=3", "keyspace-notifications.dispatch.queue-capacity=300",
					"keyspace-notifications.dispatch.overflow=drop-oldest",
					"keyspace-notifications.dispatch.block-timeout=50ms",
					"keyspace-notifications.dispatch.shutdown-timeout=1s", "keyspace-notifications.server-config=apply",
					"keyspace-notifications.resync.batch-size=200", "keyspace-notifications.resync.keys-per-second=0",
					"keyspace-notifications.dispatch.inline=false")
			.run((context) -> {
				StandaloneKeyspaceNotifications notifications = context.getBean(StandaloneKeyspaceNotifications.class);
				assertThat(notifications.options().serverConfig()).isEqualTo(ServerConfigMode.APPLY);
				assertThat(new String(notifications.options().keyPrefix(), StandardCharsets.UTF_8)).isEqualTo("app1:");
				assertThat(notifications.options().dispatch().concurrency()).isEqualTo(3);
				assertThat(notifications.options().dispatch().queueCapacity()).isEqualTo(300);
				assertThat(notifications.options().dispatch().overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
				assertThat(notifications.options().dispatch().blockTimeout()).isEqualTo(Duration.ofMillis(50));
				assertThat(notifications.options().dispatch().shutdownTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(notifications.options().resync()).isEqualTo(new ResyncSettings(200, 0));
				assertThat(notifications.options().dispatch().inline()).isFalse();
				assertThat(notifications.connectionSettings().healthCheckInterval()).isEqualTo(Duration.ofSeconds(2));
				assertThat(notifications.connectionSettings().backoff().initial()).isEqualTo(Duration.ofMillis(10));
				assertThat(notifications.connectionSettings().backoff().max()).isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void picksTheClusterClientWhenClusterNodesAreConfigured() {
		withoutSpringsConnectionFactory()
			.withPropertyValues("spring.data.redis.cluster.nodes=10.0.0.1:7000,10.0.0.2:7001",
					"keyspace-notifications.topology-refresh-interval=2s")
			.run((context) -> {
				ClusterKeyspaceNotifications notifications = context.getBean(ClusterKeyspaceNotifications.class);
				assertThat(notifications.seeds()).containsExactly(new RedisNode("10.0.0.1", 7000),
						new RedisNode("10.0.0.2", 7001));
				assertThat(notifications.refreshInterval()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void aClusterAlwaysUsesDatabaseZeroEvenWhenADatabaseIsConfigured() {
		withoutSpringsConnectionFactory()
			.withPropertyValues("spring.data.redis.cluster.nodes=10.0.0.1:7000", "spring.data.redis.database=2")
			.run((context) -> {
				assertThat(context.getBean(ClusterKeyspaceNotifications.class).connectionSettings().database()).isZero();
				OnKeyEventEndpointFactory factory = context.getBean(OnKeyEventEndpointFactory.class);
				assertThat(factory.create(new OnKeyEventEndpointFactory.Attributes("B#m", List.of("k"), List.of(),
						new io.keyspace.notifications.ChannelType[0], "", "", ""), (n) -> {
						}).channels()).singleElement().satisfies((channel) -> assertThat(channel.db()).isZero());
			});
	}

	@Test
	void theContainerStartsWithTheApplicationUnlessAutoStartupIsOff() {
		this.runner.run((context) -> assertThat(
				context.getBean(KeyspaceNotificationListenerContainer.class).isAutoStartup()).isTrue());
		this.runner.withPropertyValues("keyspace-notifications.auto-startup=false")
			.run((context) -> assertThat(
					context.getBean(KeyspaceNotificationListenerContainer.class).isAutoStartup()).isFalse());
	}

	@Test
	void aHandlerDecoratorBeanDecoratesTheContainersHandlers() {
		List<String> decorated = new CopyOnWriteArrayList<>();
		HandlerDecorator decorator = (handler, name) -> {
			decorated.add(name);
			return handler;
		};
		// Not started: registering subscribes nothing.
		this.runner.withBean(HandlerDecorator.class, () -> decorator)
			.withPropertyValues("keyspace-notifications.auto-startup=false")
			.run((context) -> {
				context.getBean(KeyspaceNotificationListenerContainer.class)
					.register(new KeyEventEndpoint("Bean#method", List.of(new KeyspaceChannel("k")), (n) -> {
					}));
				assertThat(decorated).containsExactly("Bean#method");
			});
	}

	@Test
	void canBeTurnedOff() {
		this.runner.withPropertyValues("keyspace-notifications.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(KeyspaceNotifications.class)
				.doesNotHaveBean(KeyspaceNotificationListenerContainer.class)
				.doesNotHaveBean(OnKeyEventBeanPostProcessor.class));
	}

	@Test
	void userDefinedBeansWin() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(KeyspaceNotifications.class)
				.hasSingleBean(KeyspaceNotificationListenerContainer.class)
				.hasSingleBean(NotificationErrorHandler.class);
			assertThat(context.getBean(KeyspaceNotifications.class)).isSameAs(context.getBean("myNotifications"));
			assertThat(context.getBean(NotificationErrorHandler.class)).isSameAs(UserBeans.ERROR_HANDLER);
			assertThat(context.getBean(KeyspaceNotificationListenerContainer.class))
				.isSameAs(context.getBean("myContainer"));
		});
	}

	@Test
	void anUnknownOverflowPolicyFailsNamingTheProperty() {
		this.runner.withPropertyValues("keyspace-notifications.dispatch.overflow=wait-forever")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("wait-forever")
				.hasMessageContaining("OverflowPolicy"));
	}

	@Test
	void anAutoStartupThatIsNotABooleanFailsNamingTheProperty() {
		this.runner.withPropertyValues("keyspace-notifications.auto-startup=maybe")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("keyspace-notifications.auto-startup")
				.hasStackTraceContaining("maybe"));
	}

	@Test
	void invalidValuesFailNamingThePropertyAndTheReason() {
		this.runner.withPropertyValues("keyspace-notifications.dispatch.concurrency=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("keyspace-notifications.dispatch.concurrency");
					assertThat(ex.getValue()).isEqualTo(0);
					assertThat(ex.getReason()).isEqualTo("must be at least 1");
				}));
		this.runner.withPropertyValues("keyspace-notifications.reconnect.initial-backoff=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("keyspace-notifications.reconnect.initial-backoff")
				.hasMessageContaining("positive"));
		withoutSpringsConnectionFactory().withPropertyValues("keyspace-notifications.cluster.refresh-interval=-1s",
				"spring.data.redis.cluster.nodes=10.0.0.1:7000")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("keyspace-notifications.cluster.refresh-interval"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "dispatch.block-timeout, -1ms, PT-0.001S, must not be negative",
			"dispatch.shutdown-timeout, -2s, PT-2S, must not be negative",
			"dispatch.queue-capacity, 3, 3, must be at least keyspace-notifications.dispatch.concurrency (4)",
			"health-check-interval, -1s, PT-1S, healthCheckInterval must not be negative",
			"reconnect.max-backoff, 1ms, PT0.001S, max",
			"health-check-interval, 30d, PT720H, must be at most PT24H",
			"reactive.handler-timeout, 0s, PT0S, must be a positive duration",
			"resync.batch-size, 0, 0, must be at least 1", "resync.keys-per-second, -1, -1, must be 0 (no limit) or more" })
	void eachInvalidPropertyNamesItselfAndItsValue(String property, String value, String boundValue, String reason) {
		this.runner
			.withPropertyValues("keyspace-notifications.dispatch.concurrency=4",
					"keyspace-notifications." + property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("keyspace-notifications." + property);
					assertThat(String.valueOf(ex.getValue())).isEqualTo(boundValue);
					assertThat(ex.getReason()).contains(reason);
				}));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "spring.data.redis.timeout, 30d, PT720H, must be at most PT24H",
			"spring.data.redis.connect-timeout, 30d, PT720H, must be at most PT24H",
			"spring.data.redis.connect-timeout, 0s, PT0S, must be a positive duration",
			"spring.data.redis.database, -1, -1, must not be negative" })
	void invalidRedisPropertiesNameThemselves(String property, String value, String boundValue, String reason) {
		withoutSpringsConnectionFactory().withPropertyValues(property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(property);
					assertThat(String.valueOf(ex.getValue())).isEqualTo(boundValue);
					assertThat(ex.getReason()).contains(reason);
				}));
	}

	@Test
	void everyPropertyHasGeneratedMetadataWithADescription() throws IOException {
		String metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated configuration metadata").isNotNull();
			metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		for (String property : List.of("enabled", "auto-startup", "key-prefix", "health-check-interval", "reconnect.initial-backoff",
				"reconnect.max-backoff", "dispatch.concurrency", "dispatch.queue-capacity", "dispatch.overflow",
				"dispatch.block-timeout", "dispatch.shutdown-timeout", "cluster.refresh-interval", "server-config",
				"server-config-check-interval", "read-from", "topology-refresh-interval", "resync.batch-size",
				"resync.keys-per-second", "dispatch.inline")) {
			String name = "\"name\": \"keyspace-notifications." + property + "\"";
			assertThat(metadata).contains(name);
			String entry = metadata.substring(metadata.indexOf(name));
			entry = entry.substring(0, entry.indexOf('}'));
			assertThat(entry).as(property).contains("\"description\"");
		}
	}

	/**
	 * Spring's own Jedis connection factory connects to a cluster or Sentinel eagerly; these
	 * tests are about our wiring, so a stand-in takes its place.
	 */
	private ApplicationContextRunner withoutSpringsConnectionFactory() {
		return this.runner.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final NotificationErrorHandler ERROR_HANDLER = (notification, handler, error) -> {
		};

		@Bean
		KeyspaceNotifications myNotifications() {
			return new StandaloneKeyspaceNotifications("127.0.0.1", 6399);
		}

		@Bean
		KeyspaceNotificationListenerContainer myContainer(KeyspaceNotifications notifications) {
			return new KeyspaceNotificationListenerContainer(notifications);
		}

		@Bean
		NotificationErrorHandler myErrorHandler() {
			return ERROR_HANDLER;
		}

	}

}
