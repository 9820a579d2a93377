package io.keyspace.notifications.archfixture;

/** Violation: an API value type that uses a facade. */
public record ValueUsingFacade(Facade facade) {
}
