package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.actuate.KeyspaceNotificationsEndpoint;
import io.keyspace.notifications.actuate.RecentGaps;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code keyspacenotifications} Actuator endpoint, when the actuator is on the class path
 * and the application exposes the endpoint ({@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = KeyspaceNotificationsAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(KeyspaceNotifications.class)
@ConditionalOnAvailableEndpoint(KeyspaceNotificationsEndpoint.class)
public class KeyspaceNotificationsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RecentGaps keyspaceNotificationsRecentGaps() {
		return new RecentGaps();
	}

	@Bean
	@ConditionalOnMissingBean
	KeyspaceNotificationsEndpoint keyspaceNotificationsEndpoint(KeyspaceNotifications notifications,
			ListableBeanFactory beans, RecentGaps recentGaps) {
		return new KeyspaceNotificationsEndpoint(notifications,
				beans.getBeansOfType(KeyspaceNotificationListenerContainer.class), recentGaps);
	}

}
