package io.keyspace.notifications.archfixture;

import org.springframework.core.env.Environment;

/** Violation: an API value type that imports Spring. */
public record ValueUsingSpring(Environment environment) {
}
