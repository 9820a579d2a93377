package io.keyspace.notifications.archfixture.elsewhere;

/** Violation: a package no layer covers, so nobody decided where it belongs. */
public final class Stray {
}
