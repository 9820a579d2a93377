package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.actuate.KeyspaceNotificationsHealthIndicator;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code keyspaceNotifications} health contributor, when Spring Boot's health support
 * ({@code spring-boot-health}, part of the actuator) is on the class path. Switch it off with
 * {@code management.health.keyspacenotifications.enabled=false}.
 */
@AutoConfiguration(after = KeyspaceNotificationsAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(KeyspaceNotifications.class)
@ConditionalOnEnabledHealthIndicator("keyspacenotifications")
public class KeyspaceNotificationsHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "keyspaceNotificationsHealthIndicator")
	KeyspaceNotificationsHealthIndicator keyspaceNotificationsHealthIndicator(KeyspaceNotifications notifications,
			ObjectProvider<KeyspaceNotificationListenerContainer> container) {
		return new KeyspaceNotificationsHealthIndicator(notifications, container.getIfUnique());
	}

}
