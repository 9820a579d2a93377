package io.keyspace.notifications.autoconfigure;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.reactive.ReactiveKeyspaceNotifications;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * {@link ReactiveKeyspaceNotifications} over the application's {@link KeyspaceNotifications},
 * when Reactor is on the class path (a WebFlux application has it).
 */
@AutoConfiguration(after = KeyspaceNotificationsAutoConfiguration.class)
@ConditionalOnClass(Flux.class)
@ConditionalOnBean(KeyspaceNotifications.class)
public class KeyspaceNotificationsReactiveAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReactiveKeyspaceNotifications reactiveKeyspaceNotifications(KeyspaceNotifications notifications,
			KeyspaceNotificationsProperties properties) {
		int bufferSize = properties.getReactive().getBufferSize();
		if (bufferSize < 1) {
			throw new InvalidConfigurationPropertyValueException("keyspace-notifications.reactive.buffer-size",
					bufferSize, "must be at least 1");
		}
		return new ReactiveKeyspaceNotifications(notifications, bufferSize, Schedulers.boundedElastic());
	}

}
