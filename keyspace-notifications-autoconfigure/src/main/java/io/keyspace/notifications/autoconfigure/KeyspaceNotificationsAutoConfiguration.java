package io.keyspace.notifications.autoconfigure;

import java.util.concurrent.ThreadFactory;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.annotation.OnKeyEventBeanPostProcessor;
import io.keyspace.notifications.annotation.OnKeyEventEndpointFactory;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.listener.NotificationGapEventPublisher;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Subscribes to Redis keyspace notifications with the application's Redis connection
 * ({@code spring.data.redis.*}, or any {@link DataRedisConnectionDetails} such as a
 * Testcontainers service connection), adjusted by any
 * {@link KeyspaceNotificationsClientConfigCustomizer}, and calls {@code @OnKeyEvent} methods. The
 * notifications bean follows the setup Spring Boot connects to ({@link RedisSetup}): a
 * Sentinel-monitored master, every shard of a cluster, a master/replica set or one server,
 * read from the node {@code keyspace-notifications.read-from} asks for. Every bean can be
 * replaced by defining one of the same type.
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass({ Jedis.class, DataRedisConnectionDetails.class })
@ConditionalOnBooleanProperty(name = "keyspace-notifications.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KeyspaceNotificationsProperties.class)
@ImportRuntimeHints(KeyspaceNotificationsRuntimeHints.class)
public class KeyspaceNotificationsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NotificationErrorHandler keyspaceNotificationErrorHandler() {
		return NotificationOptions.LOGGING_ERROR_HANDLER;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DataRedisConnectionDetails.class)
	ConnectionSettings keyspaceNotificationsConnectionSettings(DataRedisConnectionDetails details,
			DataRedisProperties redis, KeyspaceNotificationsProperties properties,
			ObjectProvider<KeyspaceNotificationsClientConfigCustomizer> customizers) {
		DefaultJedisClientConfig.Builder clientConfig = KeyspaceNotificationsSettings.clientConfig(details, redis);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(clientConfig));
		return KeyspaceNotificationsSettings.connection(clientConfig.build(), redis, properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(DataRedisConnectionDetails.class)
	KeyspaceNotifications keyspaceNotifications(DataRedisConnectionDetails details, ConnectionSettings connection,
			KeyspaceNotificationsProperties properties, NotificationErrorHandler errorHandler, Environment environment,
			ObjectProvider<KeyspaceNotificationsOptionsCustomizer> customizers) {
		NotificationOptions.Builder builder = KeyspaceNotificationsSettings.options(properties, errorHandler,
				handlerThreads(environment));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return KeyspaceNotificationsFactory.create(details, connection, builder.build(), properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(KeyspaceNotifications.class)
	KeyspaceNotificationListenerContainer keyspaceNotificationListenerContainer(KeyspaceNotifications notifications,
			KeyspaceNotificationsProperties properties) {
		KeyspaceNotificationListenerContainer container = new KeyspaceNotificationListenerContainer(notifications);
		container.setAutoStartup(properties.isAutoStartup());
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
	OnKeyEventEndpointFactory onKeyEventEndpointFactory(KeyspaceNotificationsProperties properties,
			ObjectProvider<DataRedisConnectionDetails> details) {
		DataRedisConnectionDetails connection = details.getIfAvailable();
		int database = (connection != null) ? KeyspaceNotificationsSettings.database(connection) : 0;
		return new OnKeyEventEndpointFactory(properties.getKeyPrefix(), database);
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
