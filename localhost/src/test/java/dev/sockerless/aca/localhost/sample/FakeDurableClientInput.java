package dev.sockerless.aca.localhost.sample;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Stands in for {@code @DurableClientInput}: a binding the local host does not understand. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface FakeDurableClientInput {
    String name();
}
