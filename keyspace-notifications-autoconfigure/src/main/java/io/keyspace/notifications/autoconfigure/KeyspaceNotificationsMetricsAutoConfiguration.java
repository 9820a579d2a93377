package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.actuate.KeyNotificationObservationConvention;
import io.keyspace.notifications.actuate.KeyspaceNotificationsMeterBinder;
import io.keyspace.notifications.actuate.MeterHandlerObserver;
import io.keyspace.notifications.actuate.NotificationGroupsMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@code keyspace.notifications.*} meters and the handler observation, when the
 * application has a Micrometer {@link MeterRegistry} (e.g. with the actuator). The meter names
 * and tags are listed in docs/operations.md.
 */
@AutoConfiguration(after = { KeyspaceNotificationsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		ObservationAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ KeyspaceNotifications.class, MeterRegistry.class })
public class KeyspaceNotificationsMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KeyspaceNotificationsMeterBinder keyspaceNotificationsMeterBinder(KeyspaceNotifications notifications) {
		return new KeyspaceNotificationsMeterBinder(notifications);
	}

	/** The meters of the groups, added as groups appear; a post-processor, as the groups bean is lazy. */
	@Bean
	@ConditionalOnMissingBean
	static NotificationGroupsMeterBinder notificationGroupsMeterBinder(ObjectProvider<MeterRegistry> registry) {
		return new NotificationGroupsMeterBinder(registry);
	}

	/**
	 * Times handlers: an Observation per call when there is an observation registry (named and
	 * tagged by the application's {@link KeyNotificationObservationConvention} bean if it has
	 * one), else a timer.
	 */
	@Bean
	KeyspaceNotificationsOptionsCustomizer keyspaceNotificationsHandlerMetrics(MeterRegistry meters,
			ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<KeyNotificationObservationConvention> convention) {
		return (options) -> options.handlerObserver(
				new MeterHandlerObserver(meters, observations.getIfUnique(), convention.getIfAvailable()));
	}

}
