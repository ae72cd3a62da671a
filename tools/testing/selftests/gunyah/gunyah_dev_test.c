// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of /dev/gunyah itself: that it exists where it should and refuses
 * what it does not know.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/gunyah.h>

#include "../kselftest_harness.h"

#define MISC_MAJOR 10

FIXTURE(gunyah_dev) {
	int fd;
};

FIXTURE_SETUP(gunyah_dev)
{
	self->fd = open("/dev/gunyah", O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "/dev/gunyah absent: no Gunyah and no simulated RM");
	ASSERT_GE(self->fd, 0) TH_LOG("open /dev/gunyah: %s", strerror(errno));
}

FIXTURE_TEARDOWN(gunyah_dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(gunyah_dev, is_misc_char_device)
{
	struct stat st;

	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(MISC_MAJOR, major(st.st_rdev));
}

TEST_F(gunyah_dev, unknown_ioctl_is_enotty)
{
	/* A command of our type that no version of the ABI defines. */
	EXPECT_EQ(-1, ioctl(self->fd, _IO(GH_IOCTL_TYPE, 0xff), 0));
	EXPECT_EQ(ENOTTY, errno);
	/* And one of another type. */
	EXPECT_EQ(-1, ioctl(self->fd, _IO('Z', 0x00), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(gunyah_dev, read_write_refused)
{
	char buf[8] = { 0 };

	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
