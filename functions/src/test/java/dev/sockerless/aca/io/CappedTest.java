package dev.sockerless.aca.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class CappedTest {

    @Test
    void readsUpToTheLimitAndFailsPastIt() throws IOException {
        assertThat(Capped.readAll(new ByteArrayInputStream(new byte[10]), 10)).hasSize(10);
        assertThatThrownBy(() -> Capped.readAll(new ByteArrayInputStream(new byte[11]), 10))
                .isInstanceOfSatisfying(
                        Capped.Exceeded.class, e -> assertThat(e.limit()).isEqualTo(10));
        var in = Capped.input(new ByteArrayInputStream(new byte[3]), 2);
        assertThat(in.read()).isZero();
        assertThat(in.read()).isZero();
        assertThatThrownBy(in::read).isInstanceOf(Capped.Exceeded.class);
    }

    @Test
    void writesNothingOfAWriteThatWouldPassTheLimit() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = Capped.output(sink, 4);
        out.write(new byte[] {1, 2, 3});
        assertThatThrownBy(() -> out.write(new byte[] {4, 5})).isInstanceOf(Capped.Exceeded.class);
        assertThat(sink.toByteArray()).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> out.write(6)).as("stays exceeded").isInstanceOf(Capped.Exceeded.class);
    }
}
