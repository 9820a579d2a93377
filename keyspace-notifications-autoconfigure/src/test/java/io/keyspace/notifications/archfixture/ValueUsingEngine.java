package io.keyspace.notifications.archfixture;

import io.keyspace.notifications.archfixture.internal.engine.Engine;

/** Violation: an API value type that reaches into the engine. */
public record ValueUsingEngine(Engine engine) {
}
