package io.keyspace.notifications.archfixture;

/** Violation: listed as a facade but wires nothing, so its place in the list is stale. */
public final class FacadeWithoutEngine {

	public Value next() {
		return null;
	}

}
