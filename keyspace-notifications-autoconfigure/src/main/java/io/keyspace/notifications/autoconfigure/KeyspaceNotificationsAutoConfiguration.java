package io.keyspace.notifications.autoconfigure;

import java.util.concurrent.ThreadFactory;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.annotation.OnKeyEventBeanPostProcessor;
import io.keyspace.notifications.annotation.OnKeyEventEndpointFactory;
import io.keyspace.notifications.listener.HandlerDecorator;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.listener.NotificationGapEventPublisher;
import io.keyspace.notifications.listener.NotificationGroupsGapEventPublisher;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;

/**
 * Subscribes to Redis keyspace notifications with the application's Redis connection
 * ({@code spring.data.redis.*}, or any {@link DataRedisConnectionDetails} such as a
 * Testcontainers service connection), adjusted by any
 * {@link KeyspaceNotificationsClientConfigCustomizer}, and calls {@code @OnKeyEvent} methods,
 * each wrapped by the application's {@link HandlerDecorator} bean if it has one. The
 * notifications bean follows the setup Spring Boot connects to ({@link RedisSetup}): a
 * Sentinel-monitored master, every shard of a cluster, a master/replica set or one server,
 * read from the node {@code keyspace-notifications.read-from} asks for. Every bean can be
 * replaced by defining one of the same type.
 * <p>
 * {@code @OnKeyEvent} methods with a {@code group} are run by {@link NotificationGroups}. That
 * bean and the Redis client it writes its streams with are lazy: the listener container asks
 * for them when it subscribes the first group handler, so an application without one opens
 * no connection for them (a Sentinel or cluster client connects as soon as it is built).
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ Jedis.class, DataRedisConnectionDetails.class })
@ConditionalOnBooleanProperty(name = "keyspace-notifications.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KeyspaceNotificationsProperties.class)
@ImportRuntimeHints(KeyspaceNotificationsRuntimeHints.class)
public class KeyspaceNotificationsAutoConfiguration {

	/** The Redis client of the groups' streams and leases. */
	public static final String REDIS_BEAN_NAME = "keyspaceNotificationsRedis";

	@Bean
	@ConditionalOnMissingBean
	NotificationErrorHandler keyspaceNotificationErrorHandler() {
		return NotificationOptions.LOGGING_ERROR_HANDLER;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DataRedisConnectionDetails.class)
	ConnectionSettings keyspaceNotificationsConnectionSettings(DataRedisConnectionDetails details,
			ObjectProvider<RedisSentinelConfiguration> sentinel, DataRedisProperties redis,
			KeyspaceNotificationsProperties properties,
			ObjectProvider<KeyspaceNotificationsClientConfigCustomizer> customizers) {
		DefaultJedisClientConfig.Builder clientConfig = KeyspaceNotificationsSettings
			.clientConfig(SentinelConfigurationDetails.of(details, sentinel.getIfAvailable()), redis);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(clientConfig));
		return KeyspaceNotificationsSettings.connection(clientConfig.build(), redis, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DataRedisConnectionDetails.class)
	KeyspaceNotifications keyspaceNotifications(DataRedisConnectionDetails details,
			ObjectProvider<RedisSentinelConfiguration> sentinel, ConnectionSettings connection,
			KeyspaceNotificationsProperties properties, NotificationErrorHandler errorHandler, Environment environment,
			ObjectProvider<KeyspaceNotificationsOptionsCustomizer> customizers) {
		NotificationOptions.Builder builder = KeyspaceNotificationsSettings.options(properties, errorHandler,
				handlerThreads(environment));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return KeyspaceNotificationsFactory.create(SentinelConfigurationDetails.of(details, sentinel.getIfAvailable()),
				connection, builder.build(), properties);
	}

	/** Checked at startup, whether or not a group handler ever needs it. */
	@Bean
	@ConditionalOnMissingBean
	GroupSettings keyspaceNotificationsGroupSettings(KeyspaceNotificationsProperties properties) {
		return NotificationGroupsFactory.settings(properties.getGroups());
	}

	/**
	 * Backs off by name, not by type: a {@code JedisPooled} or {@code RedisClient} the
	 * application uses for itself may point elsewhere, and must not become where the groups
	 * write. Closed on shutdown.
	 */
	@Bean(REDIS_BEAN_NAME)
	@Lazy
	@ConditionalOnMissingBean(name = REDIS_BEAN_NAME)
	@ConditionalOnBean({ DataRedisConnectionDetails.class, ConnectionSettings.class })
	UnifiedJedis keyspaceNotificationsRedis(DataRedisConnectionDetails details,
			ObjectProvider<RedisSentinelConfiguration> sentinel, ConnectionSettings connection,
			ObjectProvider<KeyspaceNotifications> notifications) {
		return NotificationGroupsFactory.redis(SentinelConfigurationDetails.of(details, sentinel.getIfAvailable()),
				connection, notifications.getIfAvailable());
	}

	/** Closed by the listener container before the notifications, and again (a no-op) on destruction. */
	@Bean
	@Lazy
	@ConditionalOnMissingBean
	@ConditionalOnBean(value = KeyspaceNotifications.class, name = REDIS_BEAN_NAME)
	NotificationGroups notificationGroups(KeyspaceNotifications notifications,
			@Qualifier(REDIS_BEAN_NAME) UnifiedJedis redis, GroupSettings settings) {
		return new NotificationGroups(notifications, redis, settings);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KeyspaceNotifications.class)
	KeyspaceNotificationListenerContainer keyspaceNotificationListenerContainer(KeyspaceNotifications notifications,
			KeyspaceNotificationsProperties properties, ObjectProvider<NotificationGroups> groups,
			ObjectProvider<HandlerDecorator> decorator, ListableBeanFactory beanFactory) {
		KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(notifications);
		container.setAutoStartup(properties.isAutoStartup());
		decorator.ifAvailable(container::setHandlerDecorator);
		// Looked up by name only, so that the lazy bean is created with the first group handler.
		if (beanFactory.getBeanNamesForType(NotificationGroups.class, true, false).length > 0) {
			container.setNotificationGroups(groups::getObject);
		}
		return container;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KeyspaceNotifications.class)
	NotificationGapEventPublisher notificationGapEventPublisher(KeyspaceNotifications notifications,
			ApplicationEventPublisher publisher) {
		return new NotificationGapEventPublisher(notifications, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	static NotificationGroupsGapEventPublisher notificationGroupsGapEventPublisher() {
		return new NotificationGroupsGapEventPublisher();
	}

	@Bean
	@ConditionalOnMissingBean
	OnKeyEventEndpointFactory onKeyEventEndpointFactory(KeyspaceNotificationsProperties properties,
			ObjectProvider<DataRedisConnectionDetails> details, ObjectProvider<RedisSentinelConfiguration> sentinel) {
		DataRedisConnectionDetails connection = details.getIfAvailable();
		int database = (connection != null) ? KeyspaceNotificationsSettings
			.database(SentinelConfigurationDetails.of(connection, sentinel.getIfAvailable())) : 0;
		return new OnKeyEventEndpointFactory(properties.getKeyPrefix(), database, KeyspaceNotificationsSettings
			.positive("keyspace-notifications.reactive.handler-timeout", properties.getReactive().getHandlerTimeout()));
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OnKeyEventBeanPostProcessor onKeyEventBeanPostProcessor() {
		return new OnKeyEventBeanPostProcessor();
	}

	private static ThreadFactory handlerThreads(Environment environment) {
		if (Threading.VIRTUAL.isActive(environment)) {
			return new VirtualThreadTaskExecutor("keyspace-handler-").getVirtualThreadFactory();
		}
		return null;
	}

}
