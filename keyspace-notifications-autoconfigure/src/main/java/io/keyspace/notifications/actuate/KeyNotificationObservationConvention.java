package io.keyspace.notifications.actuate;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The name, contextual name and key values of the handler observation
 * ({@link KeyspaceNotificationsObservation#HANDLER}). With Spring Boot, a bean of this type
 * replaces {@link DefaultKeyNotificationObservationConvention}; extend that to add or change a
 * key value and keep the others.
 */
public interface KeyNotificationObservationConvention extends ObservationConvention<KeyNotificationObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof KeyNotificationObservationContext;
	}

}
